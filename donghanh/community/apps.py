from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "donghanh.community"
    label = "community"
    verbose_name = _("Community models")

    def ready(self) -> None:
        from donghanh.accounts.roles import Role
        from donghanh.accounts.scope import people_narrowing_register
        from donghanh.community.models import members_of_boards_of
        from donghanh.community.views.sessions import memberships_section
        from donghanh.people.extensions import PersonSection, person_section_register

        # A board member sees the members of the models whose board they sit on today.
        people_narrowing_register(Role.BOARD_MEMBER, members_of_boards_of)
        person_section_register(
            PersonSection(
                name="memberships", order=70, template="community/_person_memberships.html", context=memberships_section
            )
        )

"""Change history: django-simple-history, with one refinement."""

from typing import Any

from simple_history.models import HistoricalRecords

from donghanh.core.versions import version_next


class History(HistoricalRecords):
    """HistoricalRecords that writes nothing for saves touching only `quiet_fields`.

    A login saves `last_login`; recording every login as a change of the account would bury
    the real changes.
    """

    def __init__(self, *args: Any, quiet_fields: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quiet_fields = frozenset(quiet_fields)

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= self.quiet_fields:
            return
        super().post_save(instance, created, using=using, **kwargs)


def recorded_save(instance: Any, actor: Any, reason: str | None = None) -> None:
    """Validate and save a model instance, its history row naming the actor (and the reason, if any).

    A versioned record that exists already is saved as its next version (`core.versions`).
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    version_next(instance)
    instance.save()

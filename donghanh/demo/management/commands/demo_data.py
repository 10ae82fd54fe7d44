"""Create the demo province, communes, accounts and people, and print how to log in."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.demo.casework import demo_casework_exist, demo_casework_summary
from donghanh.demo.communes import REPORT_DATE
from donghanh.demo.community import (
    demo_board_seats,
    demo_community_accounts,
    demo_community_exist,
    demo_community_summary,
)
from donghanh.demo.lifecycle import demo_lifecycle_summary
from donghanh.demo.people import demo_people_exist, demo_people_summary
from donghanh.demo.reports import demo_reports_exist, demo_reports_summary
from donghanh.demo.second_factor import DEMO_TOTP_KEY
from donghanh.demo.support import demo_support_exist, demo_support_summary
from donghanh.demo.world import DEMO_PASSWORD, demo_data_create
from donghanh.support.choices import ReferralStatus


class Command(BaseCommand):
    help = (
        "Create demo data: one account per role, the people of two communes, their case work and support, "
        "community models (idempotent); prints a summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with the production settings.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError("Demo accounts have a published password: not created on production settings.")
        with translation.override("vi"):
            existed, casework_existed, support_existed, community_existed = (
                demo_people_exist(),
                demo_casework_exist(),
                demo_support_exist(),
                demo_community_exist(),
            )
            reports_existed = demo_reports_exist()
            rows = demo_data_create()
            communes, figures = demo_people_summary()
            lifecycle = demo_lifecycle_summary()
            teams = demo_casework_summary()
            support = demo_support_summary()
            community, accounts = demo_community_summary(), demo_community_accounts()
            targets = demo_reports_summary()
        width = max(len(r.username) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}, unless changed since):")
        for row in rows:
            code = "  + code" if row.second_factor else ""
            self.stdout.write(f"  {row.username.ljust(width)}  {row.role_label} — {row.unit_name}{code}")
        if any(row.second_factor for row in rows):
            self.stdout.write(
                "Accounts marked + code also ask, after the password, for a code of their second factor (two-factor "
                f"authentication): add the demo key {DEMO_TOTP_KEY} to an authenticator app, or run "
                "`.venv/bin/python manage.py demo_code` for the current code (a code logs an account in once)."
            )
        self.stdout.write("")
        self.stdout.write("Demo people (already there, none added):" if existed else "Demo people (created now):")
        for commune in communes:
            where = ", ".join(f"{label} {n}" for label, n in sorted(commune.whereabouts.items()))
            self.stdout.write(f"  {commune.unit_name}: {commune.people} managed today ({where})")
            self.stdout.write(f"    {sum(commune.measures.values())} measures recorded, {len(commune.measures)} types")
        for roster in lifecycle:
            left = ", ".join(f"{reason} {n}" for reason, n in sorted(roster.left.items())) or "none"
            self.stdout.write(
                f"  {roster.unit_name}: {roster.on_roster} on the roster today; left it in the past year: {left}; "
                f"waiting: {roster.awaiting_decision} post-rehab decisions ({roster.decisions_overdue} overdue), "
                f"{roster.relapses} possible relapses, {roster.transfers} moves"
            )
        self.stdout.write(
            f"  {communes[0].unit_name} on {REPORT_DATE:%d/%m/%Y}: {figures.total} people using drugs, "
            f"{figures.in_facility} in rehab facilities, {figures.at_residence} at residence "
            f"({figures.post_rehab} under post-rehab management, {figures.education} under Decree 120 education)"
        )
        self.stdout.write("")
        self.stdout.write(f"Demo case work ({'already there, none added' if casework_existed else 'created now'}):")
        for team in teams:
            cover = team.coverage
            self.stdout.write(
                f"  {team.unit_name}: {team.volunteers} volunteers ({cover.volunteers} active, "
                f"{len(cover.idle_volunteers)} helping nobody); {cover.people_with_volunteer} of {cover.people} "
                "people followed today have a volunteer"
            )
            self.stdout.write("    " + ", ".join(f"{n} {kind}" for kind, n in team.counts.items()))
        self.stdout.write("")
        self.stdout.write(f"Demo support ({'already there, none added' if support_existed else 'created now'}):")
        for given in support:
            statuses = ", ".join(f"{given.referrals[s]} {s}" for s in ReferralStatus.values if given.referrals[s])
            self.stdout.write(
                f"  {given.unit_name}: {given.partners} partners (with the province's), {given.services} services to "
                f"{given.people} people; stable jobs today: {given.stable_jobs}"
            )
            self.stdout.write(f"    referrals: {statuses}; unanswered too long: {given.overdue}")
        self.stdout.write("")
        self.stdout.write(
            f"Demo community models ({'already there, none added' if community_existed else 'created now'}):"
        )
        for models in community:
            self.stdout.write(
                f"  {models.unit_name}: {models.models} models ({models.stable} operating stably), {models.members} "
                f"members today, {models.sessions} sessions in the past year; {models.regular} of {models.rated} "
                f"members attend regularly; {models.activities} activities"
            )
            for p in models.roadmap:
                kind = p.target.model_type.label if p.target.model_type else "all types"
                self.stdout.write(
                    f"    roadmap {p.target.year} ({kind}): {p.models} of {p.target.models_target} models, "
                    f"{round(100 * (p.stable_share or 0))} % operating stably (target {p.target.stable_share_target} %)"
                )
        for seat in demo_board_seats():
            self.stdout.write(f"  {seat.username} sits on the board of {seat.model_name}: {seat.members} members today")
        if accounts:
            self.stdout.write("  Accounts for Đà Nẵng's clubs (same password and demo key):")
            with_code = set(
                TOTPDevice.objects.filter(
                    user__username__in=[a.username for a in accounts], confirmed=True
                ).values_list("user__username", flat=True)
            )
            for account in accounts:
                code = "  + code" if account.username in with_code else ""
                self.stdout.write(
                    f"    {account.username.ljust(width)}  {account.role_label} — {account.unit_name}{code}"
                )
        self.stdout.write("")
        self.stdout.write(
            f"Demo targets ({'already there, none added' if reports_existed else 'set now'}), this quarter so far:"
        )
        for line in targets:
            self.stdout.write(f"  {line.unit_name}: {line.indicator} {line.text}")
        self.stdout.write("")

"""Movements on and off the roster: who left it in the period and why, deaths, returns, releases from facilities,
people awaiting their post-rehab decision (and those past its deadline), moves still unanswered, and relapses.

The rows are the periods on a commune's roster that overlap the report's period. An event counts on the period it
happened in, so at the commune whose roster the person was on that day: leaving at the commune of the period that
ended (a move to another commune is not leaving the roster), a death at the commune whose roster they were on when
they died, a return at the commune they came back to, a release or a relapse at the commune whose roster they were
on that day, a wait for the post-rehab decision at the commune whose roster they are on on the period's last day.
A move waiting for an answer is counted at the commune the person leaves (family `transfers`), since an accepted
move rewrites the periods from the day of the move, which usually comes before the answer.

People are counted once per figure: someone who left twice in a quarter is one person who left; across two
communes (a move between the two events) they count once in each commune and once in the unit above.

Relapses: a person counts when a possible relapse dated in the period was confirmed, or when their post-rehab
management ended in the period because they relapsed; both for one person count once (the usual path: use
reported, confirmed, then the measure closed for relapse). Open and dismissed reports count nobody; a report
confirmed later still counts in the period it is dated in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.people.choices import RosterEntry, RosterExit
from donghanh.people.models import ManagementPeriod
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Needs, Section
from donghanh.roster.choices import DeadlineKind, RelapseState
from donghanh.roster.models import DeadlineRule, Holiday, RelapseSignal, ReleaseNotice, TransferRequest

DAY = datetime.timedelta(days=1)
# Leaving the roster: every way a period ends but a move to another commune.
LEAVING = tuple(reason for reason in RosterExit.values if reason != RosterExit.TRANSFERRED)


# --- the post-rehab decision's deadline -----------------------------------------------------------------------


def _rule_spans(rules: list[DeadlineRule]) -> list[tuple[datetime.date, datetime.date | None, int]]:
    """The days of receipt each rule governs, as `workdays.deadline_rule` picks it (the latest in force wins):
    (first day, last day or None, working days), in order."""
    ordered = sorted(rules, key=lambda rule: (rule.effective_from, rule.pk), reverse=True)
    bounds = sorted({rule.effective_from for rule in rules} | {r.effective_to + DAY for r in rules if r.effective_to})
    spans: list[tuple[datetime.date, datetime.date | None, int]] = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] - DAY if i + 1 < len(bounds) else None
        rule = next(
            (r for r in ordered if r.effective_from <= start and (r.effective_to is None or start <= r.effective_to)),
            None,
        )
        if rule is None:
            continue
        if spans and spans[-1][1] == start - DAY and spans[-1][2] == rule.working_days:
            spans[-1] = (spans[-1][0], end, rule.working_days)
        else:
            spans.append((start, end, rule.working_days))
    return spans


def latest_overdue_receipt(day: datetime.date, working_days: int, closed: set[datetime.date]) -> datetime.date:
    """The latest day of receipt whose deadline (`working_days` working days after it, `closed` days skipped) falls
    before `day`: a certificate received on or before it is overdue on `day`, one received after it is not."""
    # The deadline is before `day` when the days from the receipt (excluded) to the day before `day` hold enough
    # working days: count them back from the day before `day`.
    current, left = day, working_days
    while left > 0:
        current -= DAY
        if current.weekday() < 5 and current not in closed:
            left -= 1
    return current - DAY


def overdue_receipts(ctx: Context) -> Q:
    """Notices whose certificate was received early enough for the decision to be overdue on the period's last day.

    Worked out once per period from the rules and the public holidays (read once per report: a few rows), so that
    the database compares each notice's day of receipt with a few dates instead of counting working days notice by
    notice.
    """
    spans = ctx.remember(
        "deadline_spans", lambda: _rule_spans(list(DeadlineRule.objects.filter(kind=DeadlineKind.POST_REHAB_DECISION)))
    )
    closed: set[datetime.date] = ctx.remember("holidays", lambda: set(Holiday.objects.values_list("date", flat=True)))
    condition = Q(pk__in=[])
    for first, last, days in spans:
        latest = latest_overdue_receipt(ctx.day, days, closed)
        until = latest if last is None else min(last, latest)
        if first <= until:
            condition |= Q(certificate_received_on__range=(first, until))
    return condition


# --- the roster's periods ------------------------------------------------------------------------------------


def waiting_on(day: datetime.date) -> QuerySet[ReleaseNotice]:
    """Notices of people released by `day` and, on `day`, neither decided (the decision's date, or the measure's
    start, after it) nor closed."""
    notices: QuerySet[ReleaseNotice] = (
        ReleaseNotice.objects.filter(released_on__lte=day)
        .annotate(decided_on=Coalesce("decision_episode__decision_date", "decision_episode__start_date"))
        .filter(Q(decision_episode__isnull=True) | Q(decided_on__gt=day))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    )
    return notices


def _within_row(field: str, ctx: Context) -> Q:
    """`field` falls in the report's period and in the roster period of the outer row."""
    last = Coalesce(OuterRef("end_date"), ctx.period.last, output_field=DateField())
    return Q(**{f"{field}__range": (ctx.period.first, ctx.period.last), f"{field}__gte": OuterRef("start_date")}) & Q(
        **{f"{field}__lte": last}
    )


def _relapses(ctx: Context) -> tuple[QuerySet[Any], QuerySet[Any]]:
    first, last = ctx.period.first, ctx.period.last
    signals = RelapseSignal.objects.filter(state=RelapseState.CONFIRMED, date__range=(first, last))
    ended = Episode.objects.filter(
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        end_reason=EndReason.RELAPSE,
        actual_end_date__range=(first, last),
    )
    return signals, ended


def _roster_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    first, last, day = ctx.period.first, ctx.period.last, ctx.day
    signals, ended = _relapses(ctx)
    released = ReleaseNotice.objects.filter(released_on__range=(first, last))
    waiting = waiting_on(day)
    # Each annotation: what it tests for the row, and the people it can be true of (to leave out the others early).
    annotations: dict[str, tuple[Any, list[QuerySet[Any]]]] = {
        "released": (
            Exists(ReleaseNotice.objects.filter(_within_row("released_on", ctx), person=OuterRef("person_id"))),
            [released],
        ),
        "awaiting": (Exists(waiting.filter(person=OuterRef("person_id"))), [waiting]),
        "overdue": (Exists(waiting.filter(overdue_receipts(ctx), person=OuterRef("person_id"))), [waiting]),
        "relapse_confirmed": (
            Exists(signals.filter(_within_row("date", ctx), person=OuterRef("person_id"))),
            [signals],
        ),
        "relapse_ended": (
            Exists(ended.filter(_within_row("actual_end_date", ctx), person=OuterRef("person_id"))),
            [ended],
        ),
    }
    wanted = {name: value for name, value in annotations.items() if needs is None or name in needs}
    # The rows worth reading: periods that ended or began in the period, of someone who died in it, or of someone
    # an annotation can be true of. The others (most of the roster) count in no figure of the family.
    relevant = (
        Q(end_date__range=(first, last)) | Q(start_date__range=(first, last)) | Q(person__died_on__range=(first, last))
    )
    for _test, people in wanted.values():
        for rows in people:
            relevant |= Q(person_id__in=rows.values("person_id"))
    periods: QuerySet[Any] = (
        ManagementPeriod.objects.filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .filter(relevant, person__merged_into__isnull=True)
        .annotate(**{name: test for name, (test, _people) in wanted.items()})
    )
    return periods


def _left(*reasons: str) -> Condition:
    return lambda ctx: Q(end_date__range=(ctx.period.first, ctx.period.last), end_reason__in=reasons)


def _on_last_day(ctx: Context) -> Q:
    return Q(start_date__lte=ctx.day) & (Q(end_date__isnull=True) | Q(end_date__gte=ctx.day))


def _died(ctx: Context) -> Q:
    """Died in the period, on this roster that day."""
    died = F("person__died_on")
    return Q(person__died_on__range=(ctx.period.first, ctx.period.last), start_date__lte=died) & (
        Q(end_date__isnull=True) | Q(end_date__gte=died)
    )


def _returned(ctx: Context) -> Q:
    return Q(reason=RosterEntry.RETURNED, start_date__range=(ctx.period.first, ctx.period.last))


ROSTER = Family(
    "roster", _roster_rows, path="unit__path", subject="person_id",
    indicators=(
        Indicator(
            "roster.left", _("People who left the roster"),
            _("People whose period on the roster of a commune of the unit ended in the period for any reason but a "
              "move to another commune (completed, died, moved abroad, removed), counted at that commune."),
            "roster", Section.ROSTER, where=_left(*LEAVING), position=110,
        ),
        Indicator(
            "roster.left_completed", _("Left the roster: measures completed"),
            _("People who left the roster in the period because the last measure that kept them on it was "
              "completed."),
            "roster", Section.ROSTER, where=_left(RosterExit.COMPLETED), capability=Capability.VIEW_EPISODES,
            position=112,
        ),
        Indicator(
            "roster.left_died", _("Left the roster: died"),
            _("People who left the roster in the period because they died."),
            "roster", Section.ROSTER, where=_left(RosterExit.DIED), position=114,
        ),
        Indicator(
            "roster.left_moved_abroad", _("Left the roster: moved abroad"),
            _("People who left the roster in the period because they moved abroad."),
            "roster", Section.ROSTER, where=_left(RosterExit.MOVED_ABROAD), position=116,
        ),
        Indicator(
            "roster.left_removed", _("Left the roster: removed by decision"),
            _("People taken off the roster in the period by an officer's decision."),
            "roster", Section.ROSTER, where=_left(RosterExit.REMOVED), position=118,
        ),
        Indicator(
            "roster.deaths", _("Deaths"),
            _("People who died in the period while on the roster of a commune of the unit, counted at that "
              "commune."),
            "roster", Section.ROSTER, where=_died, position=120,
        ),
        Indicator(
            "roster.returned", _("Back on the roster"),
            _("People who came back on the roster of a commune of the unit in the period after leaving it (a new "
              "measure, a relapse, detected again)."),
            "roster", Section.ROSTER, where=_returned, position=130,
        ),
        Indicator(
            "roster.released", _("Released from a rehab facility"),
            _("People released from a rehab facility in the period, counted at the commune whose roster they were "
              "on that day."),
            "roster", Section.ROSTER, where=lambda ctx: Q(released=True), capability=Capability.VIEW_EPISODES,
            position=140,
        ),
        Indicator(
            "roster.awaiting_decision", _("Awaiting the post-rehab decision"),
            _("People released from a facility by the period's last day whose post-rehab management decision was "
              "neither issued nor given up by that day."),
            "roster", Section.ROSTER, where=lambda ctx: _on_last_day(ctx) & Q(awaiting=True), stock=True,
            capability=Capability.VIEW_EPISODES, position=150,
        ),
        Indicator(
            "roster.decision_overdue", _("Post-rehab decision overdue"),
            _("Of the people awaiting the post-rehab decision on the period's last day, those whose deadline "
              "(working days from the receipt of the completion certificate) had passed by then."),
            "roster", Section.ROSTER, where=lambda ctx: _on_last_day(ctx) & Q(overdue=True), stock=True,
            capability=Capability.VIEW_EPISODES, position=160,
        ),
        Indicator(
            "casework.relapses", _("Relapses during management"),
            _("People whose relapse was confirmed in the period (dated in it), or whose post-rehab management ended "
              "in the period because they relapsed; counted once."),
            "roster", Section.CASEWORK, where=lambda ctx: Q(relapse_confirmed=True) | Q(relapse_ended=True),
            capability=Capability.VIEW_DRUG_USE,
            position=990,
        ),
    ),
)  # fmt: skip


def _transfer_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """Moves proposed by the period's last day (local time) and not answered by then."""
    day = ctx.day
    proposed_before = timezone.make_aware(datetime.datetime.combine(day + DAY, datetime.time.min))
    rows: QuerySet[Any] = TransferRequest.objects.filter(
        proposed_at__lt=proposed_before, person__merged_into__isnull=True
    ).filter(Q(answered_on__isnull=True) | Q(answered_on__gt=day))
    return rows


TRANSFERS = Family(
    "transfers", _transfer_rows, path="from_unit__path", subject="person_id",
    indicators=(
        Indicator(
            "roster.transfers_pending", _("Moves waiting for an answer"),
            _("People whose move to another commune was proposed by the period's last day and not yet accepted or "
              "refused that day, counted at the commune they leave."),
            "transfers", Section.ROSTER, stock=True, position=170,
        ),
    ),
)  # fmt: skip

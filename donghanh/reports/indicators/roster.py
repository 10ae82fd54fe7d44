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

from django.db.models import BooleanField, DateField, ExpressionWrapper, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.people.choices import RosterEntry, RosterExit
from donghanh.people.models import ManagementPeriod
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Needs, Section
from donghanh.roster.choices import DeadlineKind, RelapseState
from donghanh.roster.models import DeadlineRule, Holiday, ReleaseNotice, TransferRequest

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


def overdue_receipts(ctx: Context, notice: str = "") -> Q:
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
            condition |= Q(**{f"{notice}certificate_received_on__range": (first, until)})
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


def _during_row(relation: str, field: str, ctx: Context) -> Q:
    """The related record's `field` falls in the report's period and in the row's period on the roster."""
    lookup = f"{relation}__{field}"
    until = Coalesce(F("end_date"), Value(ctx.period.last), output_field=DateField())
    return Q(**{f"{lookup}__range": (ctx.period.first, ctx.period.last)}) & Q(
        **{f"{lookup}__gte": F("start_date"), f"{lookup}__lte": until}
    )


def _joined(rows: QuerySet[Any], alias: str, relation: str, condition: Q) -> QuerySet[Any]:
    """`rows` left-joined as `alias` to the records of `relation` that meet `condition`."""
    joined: QuerySet[Any] = rows.annotate(**{alias: FilteredRelation(relation, condition=condition)})
    return joined


def _found(alias: str) -> ExpressionWrapper[Any]:
    """Whether the row met a record of the join `alias`."""
    return ExpressionWrapper(Q(**{f"{alias}__isnull": False}), output_field=BooleanField())


def _roster_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """The periods on the roster that overlap the period, each joined to what its person's records say happened
    during it: a release, a confirmed relapse, a post-rehab measure ended by a relapse, and, on the period's last
    day, a release notice still waiting for its decision.

    Joins rather than a lookup per period: a period may come out once per matching record, which the figures
    (people counted once) do not see, and the database can match a whole country's periods with its records in
    one pass as well as a commune's few by index.
    """
    first, last, day = ctx.period.first, ctx.period.last, ctx.day
    wanted = {"released", "awaiting", "overdue", "relapse_confirmed", "relapse_ended"}
    if needs is not None:
        wanted &= needs
    rows: QuerySet[Any] = (
        ManagementPeriod.objects.filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .filter(person__merged_into__isnull=True)
    )
    notices, signals, episodes = "person__release_notices", "person__relapse_signals", "person__episodes"
    if "released" in wanted:
        rows = _joined(rows, "_released", notices, _during_row(notices, "released_on", ctx))
        rows = rows.annotate(released=_found("_released"))
    if wanted & {"awaiting", "overdue"}:
        # Released by the day and not closed by then; whether it was decided by then is read from its decision.
        open_on_day = Q(**{f"{notices}__released_on__lte": day}) & (
            Q(**{f"{notices}__closed_on__isnull": True}) | Q(**{f"{notices}__closed_on__gt": day})
        )
        rows = _joined(rows, "_notice", notices, open_on_day).annotate(
            _decided_on=Coalesce("_notice__decision_episode__decision_date", "_notice__decision_episode__start_date")
        )
        waiting = Q(_notice__isnull=False) & (Q(_notice__decision_episode__isnull=True) | Q(_decided_on__gt=day))
        rows = rows.annotate(
            awaiting=ExpressionWrapper(waiting, output_field=BooleanField()),
            overdue=ExpressionWrapper(waiting & overdue_receipts(ctx, "_notice__"), output_field=BooleanField()),
        )
    if "relapse_confirmed" in wanted:
        confirmed = Q(**{f"{signals}__state": RelapseState.CONFIRMED}) & _during_row(signals, "date", ctx)
        rows = _joined(rows, "_signal", signals, confirmed).annotate(relapse_confirmed=_found("_signal"))
    if "relapse_ended" in wanted:
        ended = Q(
            **{
                f"{episodes}__episode_type": EpisodeType.POST_REHAB_MANAGEMENT,
                f"{episodes}__end_reason": EndReason.RELAPSE,
            }
        ) & _during_row(episodes, "actual_end_date", ctx)
        rows = _joined(rows, "_ended", episodes, ended).annotate(relapse_ended=_found("_ended"))
    return rows


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

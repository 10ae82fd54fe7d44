"""From a facility back home: the facility's notice, the release, and the commune's post-rehab decision.

Law 73/2021/QH15 and Decree 116/2021/NĐ-CP (post-rehab management), as we read them: the facility
tells the commune of the coming release; on release the person is back at their residence and the
commune chair decides on post-rehab management within the working days of the `DeadlineRule` in
force (5, counted from the receipt of the completion certificate); the management runs a year.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_event_day
from donghanh.core.history import recorded_save as _save
from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open
from donghanh.people.choices import RosterExit, Whereabouts
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.people.roster import roster_settle
from donghanh.people.services import require
from donghanh.roster.models import ReleaseNotice


@transaction.atomic
def release_notice_record(
    *,
    actor: User,
    person: Person,
    notice_date: datetime.date,
    expected_release_date: datetime.date,
    facility: str = "",
) -> ReleaseNotice:
    """A facility tells the commune the person will be released on `expected_release_date`."""
    require(actor, Capability.MANAGE_EPISODES, person.unit)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if person.died_on is not None:
        raise ValidationError(_("The person has died."))
    check_event_day(notice_date, "notice_date")
    if expected_release_date < notice_date:
        raise ValidationError({"expected_release_date": _("The release is expected on or after the notice.")})
    if ReleaseNotice.objects.filter(person=person, decision_episode__isnull=True, closed_on__isnull=True).exists():
        raise ValidationError(_("A release of this person is already announced and not yet decided."))
    measure = (
        Episode.objects.filter(person=person, episode_type__in=FACILITY_TYPES, actual_end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    facility = facility.strip() or (measure.facility if measure else "")
    if not facility:
        raise ValidationError({"facility": _("Name the facility that sent the notice.")})
    notice = ReleaseNotice(
        person=person,
        facility=facility[:200],
        notice_date=notice_date,
        expected_release_date=expected_release_date,
        facility_episode=measure,
        recorded_by=actor,
    )
    _save(notice, actor)
    return notice


@transaction.atomic
def release_record(
    *,
    actor: User,
    notice: ReleaseNotice,
    released_on: datetime.date,
    certificate_received_on: datetime.date | None = None,
) -> ReleaseNotice:
    """The person is released: the facility measure closes as completed, they are back at residence,
    and they wait for the post-rehab decision (which keeps them on the roster)."""
    person = notice.person
    require(actor, Capability.MANAGE_EPISODES, person.unit)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if notice.released_on is not None or not notice.is_pending:
        raise ValidationError(_("This release is already recorded."))
    check_event_day(released_on, "released_on")
    certificate_received_on = certificate_received_on or released_on
    check_event_day(certificate_received_on, "certificate_received_on")
    if released_on < notice.notice_date:
        raise ValidationError({"released_on": _("The release comes on or after the notice.")})
    if certificate_received_on < released_on:
        raise ValidationError({"certificate_received_on": _("The certificate is received on or after the release.")})
    measure = notice.facility_episode
    if measure is not None and measure.start_date > released_on:
        raise ValidationError({"released_on": _("The release is before the measure in the facility began.")})
    notice.released_on, notice.certificate_received_on = released_on, certificate_received_on
    _save(notice, actor)
    if measure is not None and measure.actual_end_date is None:
        episode_close(actor=actor, episode=measure, end_date=released_on, end_reason=EndReason.COMPLETED)
    latest = WhereaboutsRecord.objects.filter(person=person, since__lte=released_on).order_by("-since", "-pk").first()
    if latest is None or latest.status != Whereabouts.AT_RESIDENCE:
        record = WhereaboutsRecord(
            person=person,
            status=Whereabouts.AT_RESIDENCE,
            since=released_on,
            note=_("Released from %(f)s") % {"f": notice.facility},
        )
        _save(record, actor)
    return notice


@transaction.atomic
def release_decide(
    *,
    actor: User,
    notice: ReleaseNotice,
    decision_number: str,
    decision_date: datetime.date,
    start_date: datetime.date | None = None,
    issuing_body: str = "",
) -> Episode:
    """The commune chair's post-rehab management decision: it opens the post-rehab measure."""
    require(actor, Capability.MANAGE_EPISODES, notice.person.unit)
    if notice.released_on is None:
        raise ValidationError(_("Record the release before the decision."))
    if not notice.is_pending:
        raise ValidationError(_("This release is already decided or closed."))
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Give the decision number.")})
    if decision_date < notice.released_on:
        raise ValidationError({"decision_date": _("The decision comes on or after the release.")})
    if start_date is None:  # from the decision; a decision on the release day starts the day after it
        start_date = max(decision_date, notice.released_on + datetime.timedelta(days=1))
    episode = episode_open(
        actor=actor,
        person=notice.person,
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        start_date=start_date,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuing_body=issuing_body.strip(),
    )
    notice.decision_episode = episode
    _save(notice, actor)
    return episode


@transaction.atomic
def release_notice_close(*, actor: User, notice: ReleaseNotice, on: datetime.date, reason: str) -> ReleaseNotice:
    """No decision will come (the release did not happen, the person moved away...): the wait ends."""
    require(actor, Capability.MANAGE_EPISODES, notice.person.unit)
    if not notice.is_pending:
        raise ValidationError(_("This release is already decided or closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why no decision will be issued.")})
    check_event_day(on, "on")
    if on < notice.notice_date:
        raise ValidationError({"on": _("The date is before the notice.")})
    notice.closed_on, notice.closed_reason = on, reason.strip()[:300]
    _save(notice, actor)
    if notice.released_on is not None:
        roster_settle(actor, notice.person, on, reason=RosterExit.COMPLETED)
    return notice

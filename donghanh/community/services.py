"""Writes of community models: setting them up, their status, board, members, sessions, activities and roadmaps.

Each validates, saves and records history (with the actor) in one transaction. A board member may
act only on the models whose board they sit on (`require_model` checks through the model's scope).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import scope_for
from donghanh.community.choices import BoardRole, LeaveReason, ModelStatus
from donghanh.community.models import (
    Activity,
    Attendance,
    BoardMember,
    CommunityModel,
    Membership,
    ModelType,
    RoadmapTarget,
    Session,
    StatusChange,
)
from donghanh.core.dates import check_event_day
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.core.versions import version_claim
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.people.services import require

MODEL_FIELDS = {"meeting_place", "schedule", "notes"}
MODEL_UPDATE_FIELDS = MODEL_FIELDS | {
    "name", "model_type", "decision_number", "decision_date", "decision_body", "established_on",
}  # fmt: skip
BOARD_FIELDS = {"position", "phone", "user", "volunteer", "end_date"}
SESSION_FIELDS = {"topic", "facilitator", "place", "family_count", "guest_count", "notes"}
ACTIVITY_FIELDS = {
    "model", "people_count", "family_count", "staff_count", "volunteer_count", "public_count", "materials", "notes",
}  # fmt: skip


def _today() -> datetime.date:
    return timezone.localdate()


def _day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def require_model(actor: User, capability: Capability, model: CommunityModel) -> None:
    """The actor holds `capability` over this model (for a board member: they sit on its board today)."""
    if not CommunityModel.objects.filter(pk=model.pk).accessible_to(actor, capability).exists():
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model})


def _within_life(model: CommunityModel, day: datetime.date, field: str) -> None:
    if day < model.established_on:
        raise ValidationError(
            {field: _("%(model)s was established on %(day)s.") % {"model": model, "day": _day(model.established_on)}}
        )
    if model.ended_on is not None and day > model.ended_on:
        raise ValidationError(
            {field: _("%(model)s was dissolved on %(day)s.") % {"model": model, "day": _day(model.ended_on)}}
        )


# --- the model itself ------------------------------------------------------------------------------


def _check_model(model: CommunityModel) -> None:
    errors: dict[str, str] = {}
    if model.established_on < model.decision_date:
        errors["established_on"] = _("A model is established by its decision, not before it.")
    if model.decision_date > _today():
        errors["decision_date"] = _("The date cannot be in the future.")
    if not model.decision_number.strip():
        errors["decision_number"] = _("Give the number of the decision that set the model up.")
    # Compared in Python: SQLite folds the case of ASCII letters only ("Điểm" and "điểm").
    names = CommunityModel.objects.filter(unit=model.unit).exclude(pk=model.pk).values_list("name", flat=True)
    if any(name.casefold() == model.name.casefold() for name in names):
        errors["name"] = _("%(unit)s already has a model of this name.") % {"unit": model.unit.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def model_create(
    *,
    actor: User,
    unit: OrgUnit,
    model_type: ModelType,
    name: str,
    decision_number: str,
    decision_date: datetime.date,
    established_on: datetime.date,
    decision_body: str = "",
    status: str = ModelStatus.PILOT,
    **fields: Any,
) -> CommunityModel:
    """Set up a model by its decision; its first status (pilot by default) runs from its establishment."""
    require(actor, Capability.MANAGE_COMMUNITY, unit)
    check_fields(fields, MODEL_FIELDS)
    if unit.is_legacy or unit.level not in (OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE):
        raise ValidationError({"unit": _("A model belongs to a current commune or province.")})
    if status == ModelStatus.DISSOLVED:
        raise ValidationError({"status": _("A new model cannot start dissolved.")})
    check_event_day(established_on, "established_on")
    if not model_type.is_active:
        raise ValidationError({"model_type": _("This type of model is no longer in use.")})
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the installation's language
        body = decision_body.strip() or _("People's Committee of %(unit)s") % {"unit": unit.name}
    model = CommunityModel(
        unit=unit, model_type=model_type, name=" ".join(name.split()), decision_number=decision_number.strip(),
        decision_date=decision_date, decision_body=body, established_on=established_on, status=status,
        status_since=established_on, **fields,
    )  # fmt: skip
    _check_model(model)
    _save(model, actor)
    _save(StatusChange(model=model, status=status, on=established_on, by=actor), actor)
    return model


@transaction.atomic
def model_update(*, actor: User, model: CommunityModel, expected_version: int | None, **fields: Any) -> CommunityModel:
    """Correct a model's details; its status changes only through `model_status_change`."""
    require_model(actor, Capability.MANAGE_COMMUNITY, model)
    version_claim(model, expected_version)
    check_fields(fields, MODEL_UPDATE_FIELDS)
    if "name" in fields:
        fields["name"] = " ".join(fields["name"].split())
    for name, value in fields.items():
        setattr(model, name, value)
    _check_model(model)
    check_event_day(model.established_on, "established_on")
    changes = list(model.status_changes.order_by("on", "pk"))
    if changes and model.established_on != changes[0].on:
        # The first status runs from the establishment: it moves with it, up to the next change or record.
        limits = [d for d in (changes[1].on if len(changes) > 1 else None, _first_dated(model)) if d is not None]
        if limits and model.established_on > min(limits):
            raise ValidationError(
                {
                    "established_on": _("Records of the model begin on %(day)s, before this date.")
                    % {"day": _day(min(limits))}
                }
            )
        first = changes[0]
        first.on = model.established_on
        _save(first, actor)
        if len(changes) == 1:
            model.status_since = model.established_on
    _save(model, actor)
    return model


def _first_dated(model: CommunityModel) -> datetime.date | None:
    """The earliest day any session, seat or membership of the model is dated."""
    days = [
        model.sessions.order_by("date").values_list("date", flat=True).first(),
        model.board.order_by("start_date").values_list("start_date", flat=True).first(),
        model.memberships.order_by("joined_on").values_list("joined_on", flat=True).first(),
    ]
    present = [d for d in days if d is not None]
    return min(present) if present else None


@transaction.atomic
def model_status_change(
    *, actor: User, model: CommunityModel, status: str, on: datetime.date, note: str = ""
) -> CommunityModel:
    """Move a model to another status from a day. Dissolving ends its memberships and board seats that day."""
    require_model(actor, Capability.MANAGE_COMMUNITY, model)
    CommunityModel.objects.select_for_update().filter(pk=model.pk).first()
    labels = dict(ModelStatus.choices)
    if model.status == ModelStatus.DISSOLVED:
        raise ValidationError({"status": _("The model is dissolved; its status cannot change any more.")})
    if status == model.status:
        raise ValidationError({"status": _("The model is already %(status)s.") % {"status": labels[status].lower()}})
    if status not in labels:
        raise ValidationError({"status": _("Unknown status.")})
    if on < model.status_since:
        raise ValidationError(
            {"on": _("The change cannot be before the last one (%(day)s).") % {"day": _day(model.status_since)}}
        )
    check_event_day(on, "on")
    if status == ModelStatus.DISSOLVED:
        last = model.sessions.filter(date__gt=on).order_by("-date").values_list("date", flat=True).first()
        if last is not None:
            raise ValidationError({"on": _("The model met on %(day)s, after this date.") % {"day": _day(last)}})
        for membership in model.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=on)):
            membership.left_on = max(on, membership.joined_on)
            membership.leave_reason = LeaveReason.DISSOLVED
            _save(membership, actor)
        for seat in model.board.filter(Q(end_date__isnull=True) | Q(end_date__gt=on)):
            seat.end_date = max(on, seat.start_date)
            _save(seat, actor)
    model.status, model.status_since = status, on
    _save(model, actor)
    _save(StatusChange(model=model, status=status, on=on, by=actor, note=note.strip()), actor)
    return model


# --- the board -------------------------------------------------------------------------------------


def _check_seat(seat: BoardMember) -> None:
    model = seat.model
    errors: dict[str, str] = {}
    try:
        _within_life(model, seat.start_date, "start_date")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if seat.end_date is not None and seat.end_date < seat.start_date:
        errors["end_date"] = _("The end cannot be before the start.")
    if seat.user is not None and not scope_for(seat.user).grants:
        errors["user"] = _("%(user)s holds no role.") % {"user": seat.user}
    elif seat.user is not None and not any(g.covers_path(model.unit.path) for g in scope_for(seat.user).grants):
        errors["user"] = _("%(user)s holds no role in %(unit)s.") % {"user": seat.user, "unit": model.unit.name}
    if seat.volunteer is not None and not seat.volunteer.team.unit.path.startswith(model.unit.path):
        errors["volunteer"] = _("The volunteer belongs to another commune's team.")
    if seat.role == BoardRole.CHAIR:
        others = model.board.filter(role=BoardRole.CHAIR).exclude(pk=seat.pk)
        overlapping = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=seat.start_date))
        if seat.end_date is not None:
            overlapping = overlapping.filter(start_date__lte=seat.end_date)
        chair = overlapping.first()
        if chair is not None:
            errors["role"] = _("%(name)s chairs the board in that period; end their seat first.") % {
                "name": chair.full_name
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def board_add(
    *, actor: User, model: CommunityModel, role: str, full_name: str, start_date: datetime.date, **fields: Any
) -> BoardMember:
    require_model(actor, Capability.MANAGE_COMMUNITY, model)
    check_fields(fields, BOARD_FIELDS)
    check_event_day(start_date, "start_date")
    seat = BoardMember(model=model, role=role, full_name=" ".join(full_name.split()), start_date=start_date, **fields)
    _check_seat(seat)
    _save(seat, actor)
    return seat


@transaction.atomic
def board_update(*, actor: User, seat: BoardMember, expected_version: int | None, **fields: Any) -> BoardMember:
    """Change a seat, or end it (`end_date`)."""
    require_model(actor, Capability.MANAGE_COMMUNITY, seat.model)
    version_claim(seat, expected_version)
    check_fields(fields, BOARD_FIELDS | {"role", "full_name", "start_date"})
    for name, value in fields.items():
        setattr(seat, name, value)
    _check_seat(seat)
    _save(seat, actor)
    return seat


# --- members ---------------------------------------------------------------------------------------


@transaction.atomic
def member_join(
    *, actor: User, model: CommunityModel, person: Person, joined_on: datetime.date, note: str = ""
) -> Membership:
    """Enrol a registered person of the model's area; a person is a member of a model once at a time."""
    require_model(actor, Capability.MANAGE_COMMUNITY, model)
    if not Person.objects.filter(pk=person.pk).accessible_to(actor).exists() or person.merged_into_id is not None:
        raise ValidationError({"person": _("Choose a registered person of your area.")})
    if not person.unit.path.startswith(model.unit.path):
        raise ValidationError({"person": _("%(name)s is managed by another commune.") % {"name": person.full_name}})
    _within_life(model, joined_on, "joined_on")
    check_event_day(joined_on, "joined_on")
    overlapping = model.memberships.filter(person=person).filter(Q(left_on__isnull=True) | Q(left_on__gte=joined_on))
    if overlapping.exists():
        raise ValidationError({"person": _("%(name)s is already a member then.") % {"name": person.full_name}})
    membership = Membership(model=model, person=person, joined_on=joined_on, note=note.strip())
    _save(membership, actor)
    return membership


@transaction.atomic
def member_leave(
    *, actor: User, membership: Membership, left_on: datetime.date, reason: str, note: str = ""
) -> Membership:
    require_model(actor, Capability.MANAGE_COMMUNITY, membership.model)
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("The member left on %(day)s.") % {"day": _day(membership.left_on)}})
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The member joined on %(day)s.") % {"day": _day(membership.joined_on)}})
    check_event_day(left_on, "left_on")
    if not reason:
        raise ValidationError({"reason": _("Say why the member left.")})
    attended = membership.attendance.filter(session__date__gt=left_on).order_by("-session__date").first()
    if attended is not None:
        raise ValidationError(
            {"left_on": _("The member attended on %(day)s, after this date.") % {"day": _day(attended.session.date)}}
        )
    membership.left_on, membership.leave_reason = left_on, reason
    if note.strip():
        membership.note = note.strip()
    _save(membership, actor)
    return membership


# --- sessions and attendance ----------------------------------------------------------------------


def _check_attendance(model: CommunityModel, day: datetime.date, present: Iterable[Membership]) -> list[Membership]:
    """Only the model's members on that day can be marked present."""
    present = list(present)
    wrong = [m for m in present if m.model_id != model.pk or not m.active_on(day)]
    if wrong:
        names = ", ".join(sorted(m.person.full_name for m in wrong))
        raise ValidationError({"present": _("Not members on %(day)s: %(names)s.") % {"day": _day(day), "names": names}})
    return present


def _set_attendance(session: Session, present: list[Membership], actor: User) -> None:
    keep = {m.pk for m in present}
    for row in session.attendance.exclude(membership_id__in=keep):
        row._history_user = actor  # type: ignore[attr-defined]  # the history row of the removal names the actor
        row.delete()
    have = set(session.attendance.values_list("membership_id", flat=True))
    for membership in present:
        if membership.pk not in have:
            _save(Attendance(session=session, membership=membership), actor)


@transaction.atomic
def session_record(
    *,
    actor: User,
    model: CommunityModel,
    date: datetime.date,
    kind: str,
    present: Iterable[Membership] = (),
    **fields: Any,
) -> Session:
    """Record a session and who came; family members and guests are counted."""
    require_model(actor, Capability.RECORD_COMMUNITY, model)
    check_fields(fields, SESSION_FIELDS)
    _within_life(model, date, "date")
    check_event_day(date, "date")
    members = _check_attendance(model, date, present)
    session = Session(model=model, date=date, kind=kind, recorded_by=actor, **fields)
    _save(session, actor)
    _set_attendance(session, members, actor)
    return session


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: Session,
    present: Iterable[Membership] | None = None,
    expected_version: int | None,
    **fields: Any,
) -> Session:
    """Correct a session or its attendance (`present` replaces who was ticked)."""
    model = session.model
    require_model(actor, Capability.RECORD_COMMUNITY, model)
    version_claim(session, expected_version)
    check_fields(fields, SESSION_FIELDS | {"date", "kind"})
    for name, value in fields.items():
        setattr(session, name, value)
    _within_life(model, session.date, "date")
    check_event_day(session.date, "date")
    members = _check_attendance(
        model, session.date, present if present is not None else [a.membership for a in session.attendance.all()]
    )
    _save(session, actor)
    _set_attendance(session, members, actor)
    return session


# --- activities and roadmaps ------------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *, actor: User, unit: OrgUnit, date: datetime.date, kind: str, title: str, **fields: Any
) -> Activity:
    """A community activity of a unit (a campaign, a training, a review, an event), with who took part."""
    check_fields(fields, ACTIVITY_FIELDS)
    model = fields.get("model")
    if model is not None:
        require_model(actor, Capability.RECORD_COMMUNITY, model)
        if not model.unit.path.startswith(unit.path):
            raise ValidationError({"model": _("The model belongs to another unit.")})
    else:
        require(actor, Capability.RECORD_COMMUNITY, unit)
        if any(g.role == Role.BOARD_MEMBER for g in scope_for(actor).grants_for(Capability.RECORD_COMMUNITY)) and not (
            scope_for(actor).can_at(Capability.MANAGE_COMMUNITY, unit.path)
        ):
            raise ValidationError({"model": _("Choose the model whose activity this is.")})
    if unit.is_legacy:
        raise ValidationError({"unit": _("Choose a current unit.")})
    check_event_day(date, "date")
    if not title.strip():
        raise ValidationError({"title": _("Give the activity a title.")})
    activity = Activity(unit=unit, date=date, kind=kind, title=title.strip(), recorded_by=actor, **fields)
    _save(activity, actor)
    return activity


@transaction.atomic
def roadmap_target_set(
    *,
    actor: User,
    unit: OrgUnit,
    year: int,
    model_type: ModelType | None,
    models_target: int | None,
    stable_share_target: int | None,
    note: str = "",
) -> RoadmapTarget:
    """Set (or change) a unit's target for a year: a number of models, a share operating stably, or both."""
    require(actor, Capability.SET_ROADMAP, unit)
    errors: dict[str, str] = {}
    if models_target is None and stable_share_target is None:
        errors["models_target"] = _("Give a number of models, a share operating stably, or both.")
    if stable_share_target is not None and not 0 <= stable_share_target <= 100:
        errors["stable_share_target"] = _("A share is between 0 and 100 %.")
    if not 2000 <= year <= _today().year + 20:
        errors["year"] = _("Choose a year between 2000 and %(last)s.") % {"last": _today().year + 20}
    if errors:
        raise ValidationError(errors)
    target = RoadmapTarget.objects.filter(unit=unit, year=year, model_type=model_type).first() or RoadmapTarget(
        unit=unit, year=year, model_type=model_type
    )
    target.models_target, target.stable_share_target, target.note = models_target, stable_share_target, note.strip()
    _save(target, actor)
    return target

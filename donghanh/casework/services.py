"""Writes of case work: teams, volunteers, assignments, contacts, plans, assessments, instruments.

Each validates, saves and records history (with the actor) in one transaction. A write about a
person needs the capability over that person, as the scope gives it: a volunteer writes only
about the people assigned to them now.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import scope_for
from donghanh.casework import choices, instruments
from donghanh.casework.health_access import may_read_health
from donghanh.casework.health_text import contact_concerns_health, goal_concerns_health, mentions_health
from donghanh.casework.models import (
    Assignment,
    Contact,
    InstrumentRecord,
    MonthlyAssessment,
    PlanGoal,
    QuarterlyClassification,
    RatingLevel,
    RatingScale,
    ReintegrationPlan,
    Volunteer,
    VolunteerTeam,
)
from donghanh.casework.selectors import derived_level, rating_scale_for
from donghanh.core.dates import check_event_day, month_end, month_start, quarter_months
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.core.versions import version_claim
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import DrugTest, Person
from donghanh.people.services import require
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_required
from donghanh.roster.relapse import relapse_from_assessment

TEAM_FIELDS = {"name", "established_on", "decision_number", "notes"}
VOLUNTEER_FIELDS = {
    "full_name",
    "sex",
    "birth_year",
    "affiliation",
    "phone",
    "hamlet",
    "training",
    "start_date",
    "end_date",
    "user",
}
CONTACT_FIELDS = {"notes", "next_step", "next_step_date", "volunteer"}
GOAL_FIELDS = {"domain", "goal", "actions", "target_date", "review_date", "status", "reviewed_on", "review_notes"}
ASSESSMENT_FIELDS = {"drug_use", "participation", "work_status", "family_relations", "compliance", "rating", "notes"}
# The fields a writer who may not read a health-related goal cannot change: they would write over what they cannot
# see (the domain too, which would decide whether the texts are shown).
GOAL_HEALTH_FIELDS = ("domain", "goal", "actions", "review_notes")


def _today() -> datetime.date:
    return timezone.localdate()


def require_person(actor: User, capability: Capability, person: Person) -> None:
    """The actor holds `capability` over this person (for a volunteer: the person is assigned to them now)."""
    if not Person.objects.filter(pk=person.pk).accessible_to(actor, capability).exists():
        raise PermissionDenied(_("Your role does not allow this for this person."))


def _keep_hidden_health_text(
    actor: User, person: Person, record: Any, fields: dict[str, Any], names: Sequence[str]
) -> None:
    """A writer without the health right leaves the texts of a health-related record as they are."""
    if not record.health_related or may_read_health(actor, person):
        return
    changed = [name for name in names if name in fields and fields[name] != getattr(record, name)]
    if changed:
        message = _("This concerns health: only staff who may see health information can change it.")
        raise ValidationError(dict.fromkeys(changed, message))


def _stored(message: str, **values: str) -> str:
    """Text the system writes into a record: in the installation's language, whoever's page made it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % values if values else _(message)


# --- teams and volunteers -------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor: User, unit: OrgUnit, name: str, **fields: Any) -> VolunteerTeam:
    require(actor, Capability.MANAGE_VOLUNTEERS, unit)
    check_fields(fields, TEAM_FIELDS)
    if unit.level != OrgUnit.Level.COMMUNE or unit.is_legacy:
        raise ValidationError({"unit": _("A volunteer team belongs to a current commune.")})
    if VolunteerTeam.objects.filter(unit=unit).exists():
        raise ValidationError({"unit": _("%(unit)s already has a volunteer team.") % {"unit": unit.name}})
    team = VolunteerTeam(unit=unit, name=name, **fields)
    _save(team, actor)
    return team


@transaction.atomic
def team_update(*, actor: User, team: VolunteerTeam, expected_version: int | None, **fields: Any) -> VolunteerTeam:
    require(actor, Capability.MANAGE_VOLUNTEERS, team.unit)
    version_claim(team, expected_version)
    check_fields(fields, TEAM_FIELDS)
    for name, value in fields.items():
        setattr(team, name, value)
    _save(team, actor)
    return team


def _check_volunteer(volunteer: Volunteer) -> None:
    if volunteer.end_date is not None and volunteer.end_date < volunteer.start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    _check_login(volunteer)


def _check_login(volunteer: Volunteer) -> None:
    if volunteer.user_id is None:
        return
    taken = Volunteer.objects.filter(user_id=volunteer.user_id).exclude(pk=volunteer.pk).first()
    if taken is not None:
        raise ValidationError({"user": _("This login already belongs to volunteer %(name)s.") % {"name": taken}})
    # The login's scope comes from its volunteer role: without one at this commune it would see no one.
    if not RoleAssignment.objects.filter(
        user_id=volunteer.user_id, role=Role.VOLUNTEER, unit_id=volunteer.team.unit_id
    ).exists():
        raise ValidationError({"user": _("This login does not hold the volunteer role at this commune.")})


@transaction.atomic
def volunteer_add(*, actor: User, team: VolunteerTeam, full_name: str, **fields: Any) -> Volunteer:
    require(actor, Capability.MANAGE_VOLUNTEERS, team.unit)
    check_fields(fields, VOLUNTEER_FIELDS)
    fields.setdefault("start_date", _today())
    volunteer = Volunteer(team=team, full_name=full_name, **fields)
    _check_volunteer(volunteer)
    _save(volunteer, actor)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, expected_version: int | None, **fields: Any) -> Volunteer:
    """Change a volunteer; ending their active period ends their assignments on the same day."""
    require(actor, Capability.MANAGE_VOLUNTEERS, volunteer.team.unit)
    version_claim(volunteer, expected_version)
    check_fields(fields, VOLUNTEER_FIELDS)
    for name, value in fields.items():
        setattr(volunteer, name, value)
    _check_volunteer(volunteer)
    _save(volunteer, actor)
    if volunteer.end_date is not None:
        for assignment in volunteer.assignments.filter(end_date__isnull=True):
            assignment_end(
                actor=actor,
                assignment=assignment,
                end_date=max(volunteer.end_date, assignment.start_date),
                reason=_stored(_("The volunteer stopped.")),
            )
    return volunteer


# --- assignments --------------------------------------------------------------------------------


@transaction.atomic
def assignment_make(
    *, actor: User, person: Person, volunteer: Volunteer, start_date: datetime.date, reason: str = ""
) -> Assignment:
    """Assign a volunteer to a person from `start_date`; a current assignment ends the day before."""
    require_person(actor, Capability.MANAGE_VOLUNTEERS, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per person at a time
    if volunteer.team.unit_id != person.unit_id:
        raise ValidationError({"volunteer": _("The volunteer belongs to another commune's team.")})
    if not volunteer.is_active_on(start_date):
        raise ValidationError(
            {"volunteer": _("The volunteer is not active on %(day)s.") % {"day": f"{start_date:%d/%m/%Y}"}}
        )
    current = Assignment.objects.filter(person=person, end_date__isnull=True).select_related("volunteer").first()
    if current is not None:
        if current.volunteer_id == volunteer.pk:
            raise ValidationError({"volunteer": _("%(name)s already helps this person.") % {"name": volunteer}})
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _("The new assignment must start after the current one (from %(day)s).")
                    % {"day": f"{current.start_date:%d/%m/%Y}"}
                }
            )
        assignment_end(
            actor=actor,
            assignment=current,
            end_date=start_date - datetime.timedelta(days=1),
            reason=reason or _stored(_("Reassigned to %(name)s."), name=str(volunteer)),
        )
    later = Assignment.objects.filter(person=person, end_date__gte=start_date).exists()
    if later:
        raise ValidationError({"start_date": _("Another assignment already covers this date.")})
    assignment = Assignment(person=person, volunteer=volunteer, start_date=start_date, assigned_by=actor)
    _save(assignment, actor)
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, end_date: datetime.date, reason: str = "") -> Assignment:
    require_person(actor, Capability.MANAGE_VOLUNTEERS, assignment.person)
    if assignment.end_date is not None:
        # Moving an end would let two assignments overlap; a new assignment is made instead.
        raise ValidationError(
            {"end_date": _("This assignment already ended on %(day)s.") % {"day": f"{assignment.end_date:%d/%m/%Y}"}}
        )
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    assignment.end_date = end_date
    assignment.end_reason = reason
    _save(assignment, actor)
    return assignment


# --- contacts -----------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *, actor: User, person: Person, date: datetime.date, mode: str, topics: Iterable[str] = (), **fields: Any
) -> Contact:
    """Log a contact; a volunteer who logs in is recorded as the volunteer who made it."""
    require_person(actor, Capability.RECORD_CASEWORK, person)
    check_fields(fields, CONTACT_FIELDS)
    check_event_day(date, "date")
    topics = list(dict.fromkeys(topics))
    unknown = [t for t in topics if t not in choices.Topic.values]
    if unknown:
        raise ValidationError({"topics": _("Unknown topic: %(topics)s.") % {"topics": ", ".join(unknown)}})
    next_step_date = fields.get("next_step_date")
    if next_step_date is not None and next_step_date < date:
        raise ValidationError({"next_step_date": _("The next step cannot be before the contact.")})
    if "volunteer" not in fields:
        fields["volunteer"] = Volunteer.objects.filter(user=actor).first()
    volunteer = fields["volunteer"]
    if volunteer is not None and volunteer.team.unit_id != person.unit_id:
        raise ValidationError({"volunteer": _("The volunteer belongs to another commune's team.")})
    if mode in choices.MESSAGE_MODES:  # writing to the person by SMS or Zalo needs their consent on that day
        consent_required(person=person, purpose=Purpose.MESSAGES, on=date)
    contact = Contact(person=person, date=date, mode=mode, topics=topics, recorded_by=actor, **fields)
    contact.health_related = contact_concerns_health(contact.topics, contact.notes, contact.next_step)
    _save(contact, actor)
    return contact


# --- reintegration plans ------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: User, person: Person, start_date: datetime.date, end_date: datetime.date | None = None, notes: str = ""
) -> ReintegrationPlan:
    require_person(actor, Capability.RECORD_CASEWORK, person)
    if ReintegrationPlan.objects.filter(person=person, status=choices.PlanStatus.ACTIVE).exists():
        raise ValidationError(_("This person already has an active plan; close it before making a new one."))
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    plan = ReintegrationPlan(person=person, start_date=start_date, end_date=end_date, notes=notes, created_by=actor)
    plan.health_related = mentions_health(plan.notes)
    _save(plan, actor)
    return plan


@transaction.atomic
def plan_close(*, actor: User, plan: ReintegrationPlan, on: datetime.date | None = None) -> ReintegrationPlan:
    require_person(actor, Capability.RECORD_CASEWORK, plan.person)
    plan.status = choices.PlanStatus.CLOSED
    plan.end_date = on or plan.end_date or _today()
    if plan.end_date < plan.start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    _save(plan, actor)
    return plan


def _check_goal(goal: PlanGoal) -> None:
    goal.health_related = goal_concerns_health(goal.domain, goal.goal, goal.actions, goal.review_notes)
    if goal.target_date and goal.target_date < goal.plan.start_date:
        raise ValidationError({"target_date": _("The target date cannot be before the plan starts.")})
    if goal.plan.status != choices.PlanStatus.ACTIVE:
        raise ValidationError(_("The plan is closed."))


@transaction.atomic
def goal_add(*, actor: User, plan: ReintegrationPlan, **fields: Any) -> PlanGoal:
    require_person(actor, Capability.RECORD_CASEWORK, plan.person)
    check_fields(fields, GOAL_FIELDS)
    goal = PlanGoal(plan=plan, **fields)
    _check_goal(goal)
    _save(goal, actor)
    return goal


@transaction.atomic
def goal_update(*, actor: User, plan_goal: PlanGoal, expected_version: int | None, **fields: Any) -> PlanGoal:
    """Change a goal or record its review; `fields` may include the goal's wording (`goal`)."""
    require_person(actor, Capability.RECORD_CASEWORK, plan_goal.plan.person)
    version_claim(plan_goal, expected_version)
    check_fields(fields, GOAL_FIELDS)
    _keep_hidden_health_text(actor, plan_goal.plan.person, plan_goal, fields, GOAL_HEALTH_FIELDS)
    for name, value in fields.items():
        setattr(plan_goal, name, value)
    _check_goal(plan_goal)
    _save(plan_goal, actor)
    return plan_goal


# --- monthly assessments and the quarterly classification ---------------------------------------


@transaction.atomic
def assessment_submit(
    *,
    actor: User,
    person: Person,
    month: datetime.date,
    drug_tests: Sequence[DrugTest] = (),
    assessed_on: datetime.date | None = None,
    **fields: Any,
) -> MonthlyAssessment:
    """Record (or correct) the assessment of one person for one month.

    "Use confirmed by a test" needs a positive test of that month linked to it; linking tests
    needs the right to see them. Someone without that right (a volunteer) correcting the month
    leaves the linked tests as they are and cannot undo a use confirmed by a test. The rating
    comes from the scale of the person's province.
    """
    require_person(actor, Capability.RECORD_CASEWORK, person)
    check_fields(fields, ASSESSMENT_FIELDS)
    month = month_start(month)
    today = _today()
    if month > month_start(today):
        raise ValidationError({"month": _("A month that has not begun cannot be assessed.")})
    assessed_on = assessed_on or today
    if not month <= assessed_on <= today:
        raise ValidationError({"assessed_on": _("The assessment is made between the month's first day and today.")})
    rating = fields.get("rating")
    if rating is not None and rating.scale_id != rating_scale_for(person.unit).pk:
        raise ValidationError({"rating": _("Choose a rating of this province's scale.")})
    assessment = MonthlyAssessment.objects.filter(person=person, month=month).first()
    may_see_tests = scope_for(actor).can_at(Capability.VIEW_DRUG_USE, person.unit.path)
    tests = list(drug_tests)
    if tests and not may_see_tests:
        raise PermissionDenied(_("Your role does not allow linking drug tests."))
    if any(t.person_id != person.pk or not month <= t.date <= month_end(month) for t in tests):
        raise ValidationError({"drug_tests": _("Link only this person's tests taken in the month assessed.")})
    if assessment is not None and not may_see_tests:
        tests = list(assessment.drug_tests.all())
        confirmed = assessment.drug_use == choices.DrugUseInMonth.CONFIRMED
        if confirmed and fields.get("drug_use", assessment.drug_use) != assessment.drug_use:
            raise ValidationError(
                {"drug_use": _("A test confirmed use this month; only staff who may see drug tests can change it.")}
            )
    if fields.get("drug_use") == choices.DrugUseInMonth.CONFIRMED and not any(t.is_positive for t in tests):
        raise ValidationError({"drug_use": _("Use confirmed by a test needs the positive test of the month linked.")})
    if assessment is None:
        assessment = MonthlyAssessment(person=person, month=month)
    _keep_hidden_health_text(actor, person, assessment, fields, ["notes"])
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.health_related = mentions_health(assessment.notes)
    assessment.assessed_by = actor
    assessment.assessed_on = assessed_on
    assessment.volunteer = Volunteer.objects.filter(user=actor).first() or assessment.volunteer
    _save(assessment, actor)
    assessment.drug_tests.set(tests)
    relapse_from_assessment(actor, assessment)
    return assessment


def quarter_derive(person: Person, year: int, quarter: int) -> tuple[RatingLevel | None, list[MonthlyAssessment]]:
    """The classification the quarter's three monthly ratings give (`selectors.derived_level`), and the ratings."""
    months = quarter_months(year, quarter)
    assessments = list(
        MonthlyAssessment.objects.filter(person=person, month__in=months).select_related("rating").order_by("month")
    )
    by_month = {a.month: a.rating for a in assessments}
    return derived_level([by_month.get(month) for month in months]), assessments


@transaction.atomic
def classification_confirm(
    *, actor: User, person: Person, year: int, quarter: int, level: RatingLevel, reason: str = ""
) -> QuarterlyClassification:
    """Confirm the derived classification, or set another one with a reason."""
    require_person(actor, Capability.CONFIRM_CLASSIFICATION, person)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    if quarter_months(year, quarter)[-1] > month_start(_today()):
        raise ValidationError({"quarter": _("A quarter can be classified once its last month has begun.")})
    if level.scale_id != rating_scale_for(person.unit).pk:
        raise ValidationError({"level": _("Choose a rating of this province's scale.")})
    derived, _assessments = quarter_derive(person, year, quarter)
    reason = reason.strip()
    if (derived is None or level.pk != derived.pk) and not reason:
        raise ValidationError(
            {"override_reason": _("Give the reason for a classification other than the one the months give.")}
        )
    classification = QuarterlyClassification.objects.filter(person=person, year=year, quarter=quarter).first()
    if classification is None:
        classification = QuarterlyClassification(person=person, year=year, quarter=quarter)
    classification.derived = derived
    classification.level = level
    classification.override_reason = reason if classification.overridden else ""
    classification.confirmed_by = actor
    _save(classification, actor)
    return classification


# --- scored instruments --------------------------------------------------------------------------


@transaction.atomic
def instrument_record(
    *, actor: User, person: Person, instrument: str, date: datetime.date, answers: Any, injection: str | None = None
) -> InstrumentRecord:
    """Score and keep one administration of ASSIST (drug use: a sensitive record) or BARC-10.

    ASSIST answers are {substance: {"q1": …, …, "q7": …}} with the injection answer (Q8) apart;
    BARC-10 answers are the ten item values, 1 to 6.
    """
    check_event_day(date, "date")
    record = InstrumentRecord(person=person, instrument=instrument, date=date, recorded_by=actor)
    if instrument == choices.Instrument.ASSIST:
        require_person(actor, Capability.RECORD_DRUG_USE, person)
        errors = instruments.validate_assist(answers, injection)
        if errors:
            raise ValidationError({"answers": errors})
        result = instruments.assist_score(answers, injection)
        record.answers = {"substances": answers, "injection": injection or ""}
        record.score = result.highest_score
        record.scores = {key: {"score": s.score, "risk": str(s.risk)} for key, s in result.scores.items()}
    elif instrument == choices.Instrument.BARC10:
        require_person(actor, Capability.RECORD_CASEWORK, person)
        errors = instruments.validate_barc10(answers)
        if errors:
            raise ValidationError({"answers": errors})
        record.answers = list(answers)
        record.score = instruments.barc10_score(answers)
    else:
        raise ValidationError({"instrument": _("Unknown instrument.")})
    _save(record, actor)
    return record


# --- the province's rating scale -----------------------------------------------------------------


@transaction.atomic
def rating_scale_set(
    *, actor: User, province: OrgUnit, name: str, levels: Sequence[tuple[str, str, str, bool]]
) -> RatingScale:
    """Give a province its own scale: (code, Vietnamese label, English label, counts as progressing), best first.

    Levels already used by assessments are kept (their labels may change); others are replaced.
    """
    require(actor, Capability.CONFIGURE_RATING_SCALE, province)
    if province.level != OrgUnit.Level.PROVINCE:
        raise ValidationError({"unit": _("A rating scale belongs to a province.")})
    codes = [code for code, *_rest in levels]
    if len(levels) < 2 or len(set(codes)) != len(codes):
        raise ValidationError({"levels": _("A scale needs at least two levels with different codes.")})
    if not any(progress for *_rest, progress in levels) or all(progress for *_rest, progress in levels):
        raise ValidationError({"levels": _("Some levels must count as progressing and some not.")})
    scale = RatingScale.objects.filter(unit=province).first() or RatingScale(unit=province)
    scale.name = name
    _save(scale, actor)
    used = set(MonthlyAssessment.objects.filter(rating__scale=scale).values_list("rating__code", flat=True))
    used |= set(QuarterlyClassification.objects.filter(level__scale=scale).values_list("level__code", flat=True))
    used |= set(QuarterlyClassification.objects.filter(derived__scale=scale).values_list("derived__code", flat=True))
    missing = used - set(codes)
    if missing:
        raise ValidationError(
            {"levels": _("Levels in use cannot be removed: %(codes)s.") % {"codes": ", ".join(sorted(missing))}}
        )
    scale.levels.exclude(code__in=codes).delete()
    # Ranks are unique within a scale: move the kept levels out of the way before numbering them again.
    for offset, kept in enumerate(scale.levels.all()):
        kept.rank = 1000 + offset
        kept.save(update_fields=["rank"])
    for rank, (code, label_vi, label_en, progress) in enumerate(levels, start=1):
        level = scale.levels.filter(code=code).first() or RatingLevel(scale=scale, code=code)
        level.label_vi, level.label_en, level.rank, level.counts_as_progress = label_vi, label_en, rank, progress
        _save(level, actor)
    return scale

"""Consent and legal basis per person and purpose (Law 91/2025/QH15, Decree 356/2025).

Each purpose has one legal basis (`choices.PURPOSE_BASIS`): case management is a legal obligation and
anonymised statistics have a basis of their own, so neither needs a row; sharing with a partner for a
referral and contact by SMS or Zalo need the consent of the person, or of their guardian while they are a
minor. A consent stands from `given_on` until the day it is withdrawn (that day excluded).

`consent_required` is what the writes that need a consent call (a referral, a message): without a consent
standing on the day, they are refused with a message that says what to record first.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_not_too_early
from donghanh.core.history import recorded_save as _save
from donghanh.people.models import Person
from donghanh.privacy.choices import CONSENT_PURPOSES, PURPOSE_BASIS, Basis, ConsentMethod, GivenBy, Purpose
from donghanh.privacy.models import Consent

# Below this age on the day, the guardian gives the consent and is recorded: minors of 12 to 17, and younger children.
ADULT_AGE = 18

# What a write that needs the purpose's consent does, for the refusal's "record the consent before …".
ACTIONS = {
    Purpose.REFERRAL_SHARING: gettext_lazy("sending a referral to a partner"),
    Purpose.MESSAGES: gettext_lazy("contacting the person by SMS or Zalo"),
}


def needs_consent(purpose: str) -> bool:
    return PURPOSE_BASIS.get(purpose) == Basis.CONSENT


def _require(actor: User, person: Person) -> None:
    """The actor may record consent for this person (in scope, with the capability at their commune)."""
    if not Person.objects.filter(pk=person.pk).accessible_to(actor, Capability.MANAGE_CONSENT).exists():
        raise PermissionDenied(_("Your role does not allow recording consent for this person."))


def _check_day(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    check_not_too_early(day, field)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    person: Person,
    purpose: str,
    given_on: datetime.date,
    method: str,
    form_number: str = "",
    witness: str = "",
    given_by: str,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    """Record that the person (or their guardian) consented to `purpose` on `given_on`, and how."""
    _require(actor, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one consent of a person at a time
    form_number, witness = " ".join(form_number.split()), " ".join(witness.split())
    guardian_name, guardian_relation = " ".join(guardian_name.split()), " ".join(guardian_relation.split())
    errors: dict[str, str] = {}
    if purpose not in CONSENT_PURPOSES:
        label = dict(Purpose.choices).get(purpose)
        errors["purpose"] = (
            _("“%(purpose)s” rests on a legal basis: no consent is recorded for it.") % {"purpose": label}
            if label
            else _("Choose a purpose that needs consent: %(codes)s.") % {"codes": ", ".join(CONSENT_PURPOSES)}
        )
    if method == ConsentMethod.SIGNED_FORM:
        if not form_number:
            errors["form_number"] = _("Give the number of the signed form.")
        witness = ""
    elif method == ConsentMethod.VERBAL_WITNESSED:
        if not witness:
            errors["witness"] = _("A verbal consent needs the name of its witness.")
        form_number = ""
    else:
        errors["method"] = _("Choose how the consent was given: %(codes)s.") % {
            "codes": ", ".join(ConsentMethod.values)
        }
    try:
        _check_day(given_on, "given_on")
    except ValidationError as error:
        errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    else:
        if given_on.year < person.birth_year or (person.birth_date and given_on < person.birth_date):
            errors["given_on"] = _("The date is before the person's birth.")
    if given_by not in GivenBy.values:
        errors["given_by"] = _("Choose who gave the consent: %(codes)s.") % {"codes": ", ".join(GivenBy.values)}
    elif given_by == GivenBy.GUARDIAN:
        if not guardian_name:
            errors["guardian_name"] = _("Give the guardian's name.")
        if not guardian_relation:
            errors["guardian_relation"] = _("Say how the guardian is related to the person (father, mother…).")
    else:
        guardian_name = guardian_relation = ""
        if "given_on" not in errors and person.age_on(given_on) < ADULT_AGE:
            errors["given_by"] = _(
                "The person was %(age)s on that day: a minor's consent is given by their guardian, "
                "whose name and relation are recorded."
            ) % {"age": person.age_on(given_on)}
    if errors:
        raise ValidationError(errors)
    standing = Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).first()
    if standing is not None:
        raise ValidationError(
            {
                "purpose": _(
                    "A consent to this purpose already stands (given on %(day)s): withdraw it before recording another."
                )
                % {"day": f"{standing.given_on:%d/%m/%Y}"}
            }
        )
    last = (
        Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__gt=given_on)
        .order_by("-withdrawn_on")
        .first()
    )
    if last is not None and last.withdrawn_on is not None:
        raise ValidationError(
            {
                "given_on": _("The last consent to this purpose was withdrawn on %(day)s: a new one is given later.")
                % {"day": f"{last.withdrawn_on:%d/%m/%Y}"}
            }
        )
    consent = Consent(
        person=person, purpose=purpose, given_on=given_on, method=method, form_number=form_number, witness=witness,
        given_by=given_by, guardian_name=guardian_name, guardian_relation=guardian_relation, recorded_by=actor,
    )  # fmt: skip
    _save(consent, actor)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: datetime.date, note: str = "") -> Consent:
    """The person (or their guardian) withdrew the consent on `withdrawn_on`: from that day it no longer stands."""
    _require(actor, consent.person)
    locked: Consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(
            _("This consent was already withdrawn on %(day)s.") % {"day": f"{locked.withdrawn_on:%d/%m/%Y}"}
        )
    _check_day(withdrawn_on, "withdrawn_on")
    if withdrawn_on < locked.given_on:
        raise ValidationError(
            {
                "withdrawn_on": _("The withdrawal cannot be before the consent was given (%(day)s).")
                % {"day": f"{locked.given_on:%d/%m/%Y}"}
            }
        )
    locked.withdrawn_on, locked.withdrawn_by = withdrawn_on, actor
    locked.withdrawal_note = " ".join(note.split())
    _save(locked, actor, reason="withdrawn")
    consent.withdrawn_on, consent.withdrawn_by, consent.withdrawal_note = withdrawn_on, actor, locked.withdrawal_note
    return locked


def consents_before_merge(actor: User, keep: Person, duplicate: Person) -> None:
    """Before a merge: where both records hold a standing consent to one purpose, the kept record's stands and the
    duplicate's is deleted (it stays in the change history); the duplicate's other consents follow to the kept one."""
    kept = set(Consent.objects.filter(person=keep, withdrawn_on__isnull=True).values_list("purpose", flat=True))
    for consent in Consent.objects.filter(person=duplicate, withdrawn_on__isnull=True, purpose__in=kept):
        consent._history_user = actor
        consent._change_reason = f"merged into {keep.code}: the kept record's consent stands"
        consent.delete()


# Reads ------------------------------------------------------------------------------------------------------------


def consents_for_person(user: User, person: Person) -> QuerySet[Consent]:
    """The person's consents the user sees, standing ones first, then by purpose and latest given."""
    return (
        Consent.objects.accessible_to(user)
        .filter(person=person)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("purpose", "-given_on", "-pk")
    )


def standing_on(day: datetime.date) -> Q:
    """Consents that stand on `day`: given by then, not withdrawn by then."""
    return Q(given_on__lte=day) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))


def consent_standing(person: Person, purpose: str, on: datetime.date) -> Consent | None:
    """The person's consent to `purpose` that stands on `on`, if any (whoever asks: a check, not a page)."""
    return Consent.objects.filter(standing_on(on), person=person, purpose=purpose).order_by("-given_on").first()


def consent_required(*, person: Person, purpose: str, on: datetime.date) -> None:
    """Refuse (ValidationError) a write for `purpose` on `on` when it needs a consent and none stands that day."""
    if not needs_consent(purpose) or consent_standing(person, purpose, on) is not None:
        return
    who = person.full_name
    if person.age_on(on) < ADULT_AGE:
        who = _("the guardian of %(person)s") % {"person": person.full_name}
    raise ValidationError(
        _(
            "No consent of %(who)s to the purpose “%(purpose)s” is on file for %(day)s; record the consent before "
            "%(action)s."
        )
        % {"who": who, "purpose": Purpose(purpose).label, "day": f"{on:%d/%m/%Y}", "action": ACTIONS[Purpose(purpose)]},
        code="consent_required",
    )

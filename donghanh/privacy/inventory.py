"""The inventory of personal data, `docs/privacy.md`, generated from the models: for each model holding data about
a person (the models `privacy.export` walks) and the staff's accounts, each field with its purpose, legal basis,
who sees it, how long it is kept and whether it is encrypted at rest.

`manage.py privacy_inventory` prints it, `--write` saves it; a test keeps the file equal to the output, so a field
added, encrypted or re-scoped shows in the document by running the command. The fixed sections (consent, retention,
requests, encryption, breach) carry the settings and vocabularies they name, read from the code too.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from donghanh.accounts.permissions import MATRIX, Capability
from donghanh.accounts.roles import Role
from donghanh.core.crypto import EncryptedMixin, LookupHashField
from donghanh.privacy.choices import PURPOSE_BASIS, Basis, Purpose, RequestKind
from donghanh.privacy.export import PersonalModel, personal_models
from donghanh.privacy.kinds import KIND_LABELS, kind_of, retention_years

STAFF = "accounts.user"
DERIVED = "derived"  # rows the reports work out from the records (kind None)

# Why each kind of record is kept, and the purpose (hence the legal basis, `PURPOSE_BASIS`) it serves.
KIND_PURPOSES: dict[str, tuple[str, str]] = {
    "identity": ("identify the person, reach them and their family, know where they live", Purpose.CASE_MANAGEMENT),
    "legal": ("the legal measures and the commune's roster (Law 73/2021, Decree 116/2021)", Purpose.CASE_MANAGEMENT),
    "health": (
        "drug use, tests and health status, for treatment, support and relapse follow-up",
        Purpose.CASE_MANAGEMENT,
    ),
    "casework": ("the volunteers' follow-up, reintegration plans and monthly assessments", Purpose.CASE_MANAGEMENT),
    "support": ("the services the person receives", Purpose.CASE_MANAGEMENT),
    "community": ("membership of clubs, counselling points and groups, and attendance", Purpose.CASE_MANAGEMENT),
    "privacy": (
        "the person's consent, legal holds, anonymisation and requests about their data",
        Purpose.CASE_MANAGEMENT,
    ),
    DERIVED: ("the figures of the reports, worked out ahead from the records above", Purpose.STATISTICS),
}
# Models whose purpose differs from their kind's.
MODEL_PURPOSES: dict[str, tuple[str, str]] = {
    "support.referral": ("referrals to a partner and what the partner answered", Purpose.REFERRAL_SHARING),
    "support.referralevent": ("the steps of a referral to a partner", Purpose.REFERRAL_SHARING),
    "support.adherencefollowup": ("treatment follow-up after a referral", Purpose.REFERRAL_SHARING),
}
# Who reads a model when it is not the capability its rows are scoped by.
MODEL_CAPABILITIES: dict[str, Capability] = {
    "privacy.datasubjectrequest": Capability.HANDLE_DATA_REQUESTS,
    STAFF: Capability.VIEW_USERS,
}
DERIVED_CAPABILITY = Capability.VIEW_REPORTS


def _kind(label: str) -> str:
    if label == STAFF:
        return "staff"
    return kind_of(label) or DERIVED


def _purpose(label: str) -> tuple[str, str]:
    if label == STAFF:
        return ("staff accounts: logging in, roles and scope, and who recorded or read what", "")
    return MODEL_PURPOSES.get(label) or KIND_PURPOSES[_kind(label)]


def _basis(purpose: str) -> str:
    if not purpose:
        return "Legal obligation: the official duties of the staff (no consent needed)"
    return str(Basis(PURPOSE_BASIS[purpose]).label)


def _capability(model: type[models.Model], parent: str = "") -> Capability:
    """The capability a model's rows are read with: its own, else that of the rows it hangs off."""
    label = model._meta.label_lower
    if label in MODEL_CAPABILITIES:
        return MODEL_CAPABILITIES[label]
    capability = getattr(model, "scope_capability", None)
    if capability:
        return Capability(capability)
    if parent and kind_of(label):
        return _capability(apps.get_model(parent))
    return DERIVED_CAPABILITY


def _roles(capability: Capability) -> str:
    return ", ".join(str(Role(role).label) for role in Role if role in MATRIX[capability])


def _retention(label: str) -> str:
    kind = _kind(label)
    if kind == "staff":
        return "while the account exists; an account is deactivated, not deleted, so the history can name who acted"
    if kind == DERIVED:
        return "worked out again from the records above; anonymised with them"
    years = retention_years(kind)
    return f"{years} years after leaving the roster, then anonymised"


def _stored(f: models.Field[Any, Any]) -> str:
    if isinstance(f, EncryptedMixin):
        return "encrypted"
    if isinstance(f, LookupHashField):
        return "keyed hash"
    return "clear"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def inventory_models() -> list[tuple[type[models.Model], PersonalModel | None]]:
    return [(pm.model, pm) for pm in personal_models()] + [(apps.get_model(STAFF), None)]


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _model_section(model: type[models.Model], pm: PersonalModel | None) -> list[str]:
    label = model._meta.label_lower
    kind = _kind(label)
    description, purpose = _purpose(label)
    capability = _capability(model, pm.parent if pm else "")
    heading = f"### {model._meta.label} — {model._meta.verbose_name_plural}"
    kind_label = "staff" if kind == "staff" else ("derived (reports)" if kind == DERIVED else str(KIND_LABELS[kind]))
    lines = [
        heading,
        "",
        f"- Kind: {kind_label}" + (f"; hangs off `{pm.parent}`" if pm and pm.parent else ""),
        f"- Purpose: {description}" + (f" ({Purpose(purpose).label})" if purpose else ""),
        f"- Legal basis: {_basis(purpose)}",
        f"- Who sees it: {_roles(capability)} (`{capability.value}`)",
        f"- Retention: {_retention(label)}",
        "",
        "| field | name | stored |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {_cell(f.verbose_name)} | {_stored(f)} |" for f in _fields(model)]
    return [*lines, ""]


def _summary(rows: list[tuple[type[models.Model], PersonalModel | None]]) -> list[str]:
    lines = ["| model | kind | retention | encrypted fields | who sees it |", "|---|---|---|---|---|"]
    for model, pm in rows:
        label = model._meta.label_lower
        kind = _kind(label)
        encrypted = [f.name for f in _fields(model) if isinstance(f, EncryptedMixin)]
        lines.append(
            f"| `{model._meta.label}` | {kind} | {_cell(_retention(label))} | "
            f"{', '.join(f'`{n}`' for n in encrypted) or '—'} | `{_capability(model, pm.parent if pm else '').value}` |"
        )
    return [*lines, ""]


def _purposes() -> list[str]:
    lines = ["| purpose | legal basis | consent needed |", "|---|---|---|"]
    for purpose, basis in PURPOSE_BASIS.items():
        needed = "yes" if basis == Basis.CONSENT else "no"
        lines.append(f"| {Purpose(purpose).label} (`{purpose}`) | {Basis(basis).label} | {needed} |")
    return [*lines, ""]


def _retention_table() -> list[str]:
    lines = ["| kind | setting | years after leaving the roster |", "|---|---|---|"]
    for kind, label in KIND_LABELS.items():
        lines.append(f"| {label} (`{kind}`) | `RETENTION_YEARS_{kind.upper()}` | {retention_years(kind)} |")
    return [*lines, ""]


def _deadlines() -> list[str]:
    lines = ["| request | answered within (working days) | setting |", "|---|---|---|"]
    for kind, label in RequestKind.choices:
        days = settings.PRIVACY_ANSWER_WORKING_DAYS[kind]
        lines.append(f"| {label} (`{kind}`) | {days} | `PRIVACY_ANSWER_DAYS_{kind.upper()}` |")
    return [*lines, ""]


INTRO = """# Personal data

Đồng Hành holds sensitive personal data in the sense of the Personal Data Protection Law (91/2025/QH15) and
Decree 356/2025: health data, addiction status, test results and records of legal measures. This page says what is
held, why, on which legal basis, who sees it, how long it is kept and how it is protected; and what happens when a
person asks about their data or when data leaks.

The inventory at the end is generated from the models by `manage.py privacy_inventory --write`
(`donghanh/privacy/inventory.py`), and `privacy/tests/test_inventory.py` fails when this file differs from it:
after adding a field, encrypting one or changing who reads a model, run the command and commit the result.
"""

PURPOSES = """## Purposes and legal bases

Every purpose of processing has one legal basis (`privacy.choices.PURPOSE_BASIS`). Case management under the law
is a legal obligation and needs no consent: the person page shows it as such. Sharing with a partner for a referral
and contact by SMS or Zalo need the consent of the person (of the guardian for a minor, 12 to 17), recorded per
purpose with who gave it, how (a signed form's number, or verbally with a witness), who recorded it and when, until
withdrawn; a referral or a message that needs consent is refused when none is on file. Use in anonymised
statistics rests on its own legal basis.
"""

RETENTION = """## Retention and anonymisation

Each kind of record is kept for a number of years after the person left the roster (settings `RETENTION_YEARS`,
from the environment). A daily task then anonymises the person's records of that kind: names replaced by the
person's code; identifiers, contacts, addresses and free text removed, history rows included. A legal hold on the
person stops it while it stands. Reports of past periods give the same figures afterwards: they count records, not
names.
"""

INVENTORY = """## Inventory

Who sees a model: the roles holding the capability its rows are read with ([permissions.md](permissions.md)), each
within their scope (a volunteer: the people assigned to them; a board member: the members of their models); a model
hanging off another is read with it. Free text of contacts and plans that concerns health is masked for roles
without `people.view_health`. The change history of each model keeps the same fields, stored the same way, and is
anonymised with them. "Stored": encrypted at rest, a keyed hash for lookups, or in clear.
"""

REQUESTS = """## Data-subject requests

A person (or their guardian, or a representative they authorised) may ask to see what is held about them, to
correct it, to restrict or object to its processing, or to delete it where the law allows (records the law requires
the commune to keep, such as legal measures, are not deleted on request; the answer says so). The commune officer
(`privacy.handle_requests`) records the request from the person's page, with the day it was received; the system
sets two deadlines, counted in working days from that day (weekends and the public holidays of the roster's
`Holiday` table are skipped, and the day of receipt does not count):

- the acknowledgement, within {ack} working days (`PRIVACY_ACKNOWLEDGE_WORKING_DAYS`);
- the answer, within the working days of its kind:

{deadlines}
Both stand on the officer's work list ("acknowledge by", "answer by") until they are met, marked overdue after
their day, and the list of requests (`/privacy/requests/`) filters the open and the overdue ones. The answer
records its outcome (granted, partly granted, refused); whatever is refused carries its legal reason.

**Everything held about the person.** From the request's page, the officer downloads everything held about the
person as a PDF and as JSON (`/privacy/requests/<id>/export.pdf`, `.json`; in the API
`GET /api/v1/data-requests/<id>/export/`). The export walks the models, so a record kind added later is included
without a change: the person's own record and the records merged into it, every model with a key to the person,
and every model hanging off one of those (the results of a drug test, the events of a referral, the attendance of
a membership, the goals of a plan). Each kind is listed even when empty. Values are shown as a reader sees them
(choices by their label, dates as dd/mm/yyyy, linked records by their name); the keyed hashes kept for lookups
are left out. The change history (earlier values of the same records) is not included. The access log is not a
record about the person, but its entries about the person's records are given as a part of their own, "who viewed
or exported this person's data" (time, user, action, record, what was seen), since a person asking for access may
ask that too. Each download is written to the access log as an export, so it shows in the auditor's review.
"""

ENCRYPTION = """## Encryption at rest

The identifiers and free text the reports never count (the fields marked "encrypted" below) are kept as Fernet
tokens (AES-128-CBC with an HMAC-SHA256 tag, from the `cryptography` package; `donghanh/core/crypto.py`). The
keys come from the environment:

- `FIELD_ENCRYPTION_KEYS`: a comma-separated list, **newest first**. New values are encrypted with the first key;
  every key in the list decrypts. Production refuses to start without one; a laptop generates one into `var/`.
- `FIELD_LOOKUP_KEY`: the key of the keyed hashes (HMAC-SHA256) kept beside the identifiers a record is found by
  (the CCCD, the phone): lookups and the uniqueness of the CCCD go through the hash, so search still works.

To rotate: put a new key first in `FIELD_ENCRYPTION_KEYS` (keeping the old ones after it), restart, run
`manage.py encryption_rotate` (it re-encrypts every stored value, history rows included, with the newest key),
then remove the old key. A database copy or backup without the keys shows only tokens for these fields.

A register brought in from Excel (`donghanh.imports`) is kept encrypted with the same keys: the uploaded file until
the task worker has read its rows, the rows (names, identifiers) until the import is applied, and an import never
applied is deleted {import_days} days after its upload (`IMPORT_KEPT_DAYS`). An applied import keeps what each row
did (who, the outcome, the messages), not the values read. Its file is not re-encrypted by `encryption_rotate`:
wait until no import is waiting (at most `IMPORT_KEPT_DAYS`) before removing an old key.
"""

BREACH = """## Breach: detection and reporting (72 hours)

**How a breach is detected.**

- The access log (`/audit/access-log/`) records every view and export of sensitive data: who, when, which record,
  the unit and the address.
- The auditor's access review (`/audit/access-log/review/`) flags, over a range of days, a user who viewed more
  distinct records than `ACCESS_REVIEW_RECORDS_PER_HOUR` ({per_hour}) within one hour, every view outside
  `ACCESS_REVIEW_WORKING_HOURS` (local time, Monday to Saturday) and every export. Auditors read it at least weekly.
- Failed logins lock a user name from an address (django-axes: `AXES_FAILURE_LIMIT` failures, then
  `AXES_COOLOFF_MINUTES`); login attempts per address (`THROTTLE_LOGIN`), pages per user (`THROTTLE_PAGE`), the API
  per user and per address and downloads per user (`THROTTLE_DOWNLOAD`) are rate-limited; lockouts and refused
  requests (429) appear in the process log, which operators watch.
- An officer, a partner or the person themselves may report data seen where it should not be.

**How it is reported.** Law 91/2025/QH15 and Decree 356/2025 require the controller to notify the specialised
personal data protection agency of the Ministry of Public Security (the Department of Cyber Security and High-Tech
Crime Prevention, A05) **within 72 hours** of becoming aware of a breach, and to notify the people affected where
the breach may harm them. The steps:

1. **Hour 0: record it.** Whoever notices it tells the system administrator and the programme's data protection
   contact at once, with what was seen and when. The contact writes down the time they became aware: the 72 hours
   run from then.
2. **Contain it.** Deactivate the accounts involved (user administration), revoke their API tokens, change
   credentials and, if keys may have leaked, rotate `FIELD_ENCRYPTION_KEYS` and `FIELD_LOOKUP_KEY` (see
   Encryption at rest). Keep the access log, the process log and the backups: they are the evidence.
3. **Assess it.** From the access log and the access review: which accounts, which records (filter by user and
   days), which units, which kinds of data (sensitive or not, encrypted or not), how many people, since when.
4. **Notify A05 within 72 hours** (the form of Decree 356/2025): what happened and when; the kinds of data and the
   number of people and records affected; the likely consequences; the measures taken and planned; the contact
   person. What is not known yet is sent later, as soon as it is known; a notification later than 72 hours says why.
5. **Notify the people affected** where the breach may harm them (a health status, an addiction status or a legal
   measure seen by someone outside the programme, as a rule): through the commune officer, in person or in writing,
   saying what was exposed and what they can do.
6. **Record and learn.** Keep a record of the breach, the notifications and the measures, and change what allowed it
   (a role, a scope, a rate, a missing review).
"""


def render_inventory_markdown() -> str:
    """docs/privacy.md, in English, from the models and settings as they are now."""
    with translation.override("en"):
        rows = inventory_models()
        parts = [
            INTRO,
            PURPOSES,
            *_purposes(),
            RETENTION,
            *_retention_table(),
            REQUESTS.format(
                ack=settings.PRIVACY_ACKNOWLEDGE_WORKING_DAYS, deadlines="\n".join(_deadlines()).rstrip() + "\n"
            ),
            ENCRYPTION.format(import_days=settings.IMPORT_KEPT_DAYS),
            BREACH.format(per_hour=settings.ACCESS_REVIEW_RECORDS_PER_HOUR),
            INVENTORY,
            *_summary(rows),
        ]
        for model, pm in rows:
            parts += _model_section(model, pm)
    return "\n".join(parts).rstrip("\n") + "\n"

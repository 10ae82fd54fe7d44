"""The permission matrix: which role may do what. This is the only place it is written.

`manage.py permission_matrix` renders it into docs/permissions.md; a test keeps the two equal.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.roles import Role


class Capability(StrEnum):
    VIEW_ORG_TREE = "orgunits.view"
    VIEW_USERS = "accounts.view_users"
    MANAGE_USERS = "accounts.manage_users"
    VIEW_CHANGE_HISTORY = "audit.view_history"
    VIEW_ACCESS_LOG = "audit.view_access_log"
    VIEW_PEOPLE = "people.view"
    MANAGE_PEOPLE = "people.manage"
    CORRECT_DEATH = "people.correct_death"
    COMPLETE_TRANSFERS = "people.complete_transfers"
    VIEW_DRUG_USE = "people.view_drug_use"
    RECORD_DRUG_USE = "people.record_drug_use"
    VIEW_HEALTH = "people.view_health"
    RECORD_HEALTH = "people.record_health"
    VIEW_EPISODES = "episodes.view"
    MANAGE_EPISODES = "episodes.manage"
    VIEW_CASEWORK = "casework.view"
    MANAGE_VOLUNTEERS = "casework.manage_volunteers"
    RECORD_CASEWORK = "casework.record"
    CONFIRM_CLASSIFICATION = "casework.confirm_classification"
    CONFIGURE_RATING_SCALE = "casework.configure_scale"
    VIEW_SUPPORT = "support.view"
    RECORD_SUPPORT = "support.record"
    MANAGE_PARTNERS = "support.manage_partners"
    VIEW_COMMUNITY = "community.view"
    MANAGE_COMMUNITY = "community.manage"
    RECORD_COMMUNITY = "community.record"
    SET_ROADMAP = "community.set_roadmap"
    MANAGE_CONSENT = "privacy.manage_consent"
    HANDLE_DATA_REQUESTS = "privacy.handle_requests"
    MANAGE_RETENTION = "privacy.manage_retention"
    IMPORT_RECORDS = "imports.run"
    UNDO_IMPORTS = "imports.undo"
    VIEW_REPORTS = "reports.view"
    SET_TARGETS = "reports.set_targets"


CAPABILITY_LABELS: dict[Capability, Promise] = {
    Capability.VIEW_ORG_TREE: _("Browse and search the organisation tree"),
    Capability.VIEW_USERS: _("See user accounts and their roles"),
    Capability.MANAGE_USERS: _("Create users, assign and remove roles"),
    Capability.VIEW_CHANGE_HISTORY: _("Read the change history of records"),
    Capability.VIEW_ACCESS_LOG: _("Read the log of who viewed or exported sensitive records"),
    Capability.VIEW_PEOPLE: _("See the people registered in the units (identity, residence, whereabouts)"),
    Capability.MANAGE_PEOPLE: _("Register people, edit them, record whereabouts, transfers and merges"),
    Capability.CORRECT_DEATH: _("Correct a death recorded by mistake"),
    Capability.COMPLETE_TRANSFERS: _("Complete a move between two communes that the receiving one leaves unanswered"),
    Capability.VIEW_DRUG_USE: _("See drug-use history, addiction determinations and drug tests (sensitive)"),
    Capability.RECORD_DRUG_USE: _("Record drug-use history, addiction determinations and drug tests"),
    Capability.VIEW_HEALTH: _("See HIV and other health status (sensitive)"),
    Capability.RECORD_HEALTH: _("Record HIV and other health status"),
    Capability.VIEW_EPISODES: _("See legal measures and their decisions (sensitive)"),
    Capability.MANAGE_EPISODES: _("Open, change and close legal measures"),
    Capability.VIEW_CASEWORK: _("See volunteer teams, assignments, contacts, plans and monthly assessments"),
    Capability.MANAGE_VOLUNTEERS: _("Keep the volunteer team and assign volunteers to people"),
    Capability.RECORD_CASEWORK: _("Record contacts, reintegration plans, monthly assessments and BARC-10"),
    Capability.CONFIRM_CLASSIFICATION: _("Confirm or override the quarterly classification"),
    Capability.CONFIGURE_RATING_SCALE: _("Set the province's rating scale for monthly assessments"),
    Capability.VIEW_SUPPORT: _("See the support people received and the partners who give it"),
    Capability.RECORD_SUPPORT: _("Record loans, training, jobs, aid and other support given"),
    Capability.MANAGE_PARTNERS: _("Keep the directory of partners"),
    Capability.VIEW_COMMUNITY: _("See clubs, counselling points and groups, their members and sessions"),
    Capability.MANAGE_COMMUNITY: _("Set up community models, their status, board and members"),
    Capability.RECORD_COMMUNITY: _("Record sessions, attendance and community activities"),
    Capability.SET_ROADMAP: _("Set the roadmap targets for community models"),
    Capability.MANAGE_CONSENT: _("Record a person's consent to a purpose and its withdrawal"),
    Capability.HANDLE_DATA_REQUESTS: _(
        "Record and answer a person's requests about their data, and export everything held about them (sensitive)"
    ),
    Capability.MANAGE_RETENTION: _("Place and lift legal holds, and see who is anonymised next"),
    Capability.IMPORT_RECORDS: _(
        "Bring Excel registers in (people and measures, volunteers, services), as far as the role may write each record"
    ),
    Capability.UNDO_IMPORTS: _("Undo an import while nothing it brought in has been changed"),
    Capability.VIEW_REPORTS: _("Read and export the reports, list the people behind a figure"),
    Capability.SET_TARGETS: _("Set the targets of the indicators"),
}

ALL_ROLES = frozenset(Role)

MATRIX: dict[Capability, frozenset[str]] = {
    Capability.VIEW_ORG_TREE: ALL_ROLES,
    Capability.VIEW_USERS: frozenset(
        {Role.SYSTEM_ADMIN, Role.NATIONAL_MANAGER, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.AUDITOR}
    ),
    Capability.MANAGE_USERS: frozenset({Role.SYSTEM_ADMIN}),
    Capability.VIEW_CHANGE_HISTORY: frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR}),
    Capability.VIEW_ACCESS_LOG: frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR}),
    # People: every role that works with them; volunteers and board members are narrowed later.
    Capability.VIEW_PEOPLE: frozenset(
        {
            Role.NATIONAL_MANAGER,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_POLICE,
            Role.HEALTH_STAFF,
            Role.VOLUNTEER,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
        }
    ),
    Capability.MANAGE_PEOPLE: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE}),
    Capability.CORRECT_DEATH: frozenset({Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER}),
    Capability.COMPLETE_TRANSFERS: frozenset({Role.PROVINCE_OFFICER}),
    # Sensitive data (Law 91/2025): only the roles whose work needs it; no volunteer by default.
    Capability.VIEW_DRUG_USE: frozenset(
        {Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF}
    ),
    Capability.RECORD_DRUG_USE: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF}),
    # HIV status: not the police.
    Capability.VIEW_HEALTH: frozenset({Role.COMMUNE_OFFICER, Role.HEALTH_STAFF}),
    Capability.RECORD_HEALTH: frozenset({Role.HEALTH_STAFF}),
    Capability.VIEW_EPISODES: frozenset(
        {Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF}
    ),
    Capability.MANAGE_EPISODES: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE}),
    # Case work: volunteers are narrowed to the people assigned to them (accounts.scope).
    Capability.VIEW_CASEWORK: frozenset(
        {
            Role.NATIONAL_MANAGER,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_POLICE,
            Role.HEALTH_STAFF,
            Role.VOLUNTEER,
            Role.AUDITOR,
        }
    ),
    Capability.MANAGE_VOLUNTEERS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE}),
    Capability.RECORD_CASEWORK: frozenset(
        {Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF, Role.VOLUNTEER}
    ),
    Capability.CONFIRM_CLASSIFICATION: frozenset({Role.COMMUNE_OFFICER}),
    Capability.CONFIGURE_RATING_SCALE: frozenset({Role.PROVINCE_OFFICER}),
    # Support: volunteers see it for the people assigned to them (accounts.scope).
    Capability.VIEW_SUPPORT: frozenset(
        {
            Role.NATIONAL_MANAGER,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_POLICE,
            Role.HEALTH_STAFF,
            Role.VOLUNTEER,
            Role.AUDITOR,
        }
    ),
    Capability.RECORD_SUPPORT: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF}),
    Capability.MANAGE_PARTNERS: frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}),
    # Community models: a board member sees and runs only the models whose board they sit on (community.models).
    Capability.VIEW_COMMUNITY: frozenset(
        {
            Role.NATIONAL_MANAGER,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_POLICE,
            Role.HEALTH_STAFF,
            Role.VOLUNTEER,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
        }
    ),
    Capability.MANAGE_COMMUNITY: frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}),
    Capability.RECORD_COMMUNITY: frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.BOARD_MEMBER}),
    Capability.SET_ROADMAP: frozenset({Role.NATIONAL_MANAGER, Role.PROVINCE_OFFICER}),
    # Personal data protection (Law 91/2025): those who meet the person record consent; the commune officer, who sees
    # every section, answers their requests; anonymisation is overseen above the commune, and police may hold a record.
    Capability.MANAGE_CONSENT: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF}),
    Capability.HANDLE_DATA_REQUESTS: frozenset({Role.COMMUNE_OFFICER}),
    Capability.MANAGE_RETENTION: frozenset({Role.NATIONAL_MANAGER, Role.PROVINCE_OFFICER, Role.COMMUNE_POLICE}),
    # Imports: those who keep the commune's registers bring them in; each row still needs the right to write it.
    Capability.IMPORT_RECORDS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE}),
    Capability.UNDO_IMPORTS: frozenset({Role.COMMUNE_OFFICER}),
    # Reports: the roll-ups the offices file upward; not volunteers or boards, who see single people.
    Capability.VIEW_REPORTS: frozenset(
        {
            Role.NATIONAL_MANAGER,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_POLICE,
            Role.HEALTH_STAFF,
            Role.AUDITOR,
        }
    ),
    Capability.SET_TARGETS: frozenset({Role.NATIONAL_MANAGER, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}),
}


# Capabilities that let a role see sensitive personal data (drug use and tests, health, legal measures, the log of
# who read them) or manage users: the roles holding one must log in with a second factor (settings.MFA_REQUIRED_ROLES).
SENSITIVE_CAPABILITIES = frozenset(
    {
        Capability.VIEW_DRUG_USE,
        Capability.RECORD_DRUG_USE,
        Capability.VIEW_HEALTH,
        Capability.RECORD_HEALTH,
        Capability.VIEW_EPISODES,
        Capability.MANAGE_EPISODES,
        Capability.VIEW_ACCESS_LOG,
        Capability.MANAGE_USERS,
        Capability.HANDLE_DATA_REQUESTS,
    }
)


def role_has(role: str, capability: Capability | str) -> bool:
    return role in MATRIX[Capability(capability)]

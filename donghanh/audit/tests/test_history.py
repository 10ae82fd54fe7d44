"""Change history: every model of ours is registered with django-simple-history."""

from django.apps import apps
from simple_history.models import HistoricalChanges, registered_models

from donghanh.audit.models import AccessLogEntry
from donghanh.casework.models import Notification, NotificationDelivery, NotificationPreference
from donghanh.imports.models import ImportBatch
from donghanh.reports import models as reports

# Append-only by design: an access-log entry is never changed, so it has no change history.
# Notifications are recomputed daily from the work list; the records they point at keep theirs. The reports' status
# rows (the people's, the members', the units of services and referrals), their marks and horizon are derived from
# records that keep theirs; an export job is a file waiting to be fetched, logged in the access log when it is. An
# import is itself the record of who brought which file in and when; every record it wrote has its history. A
# notification delivery is the log of one day's summary sent on one channel; a notification preference is a user's
# own choice of channels, changed only by them, and holds nothing about the people helped.
DERIVED = ("ExportJob", "MemberMonth", "MonthlyStatus", "ReferralUnit", "ServiceUnit", "StatusHorizon", "StatusStale")
WITHOUT_HISTORY = {
    AccessLogEntry, Notification, NotificationDelivery, NotificationPreference, ImportBatch,
    *(getattr(reports, name) for name in DERIVED),
}  # fmt: skip


def our_models():
    for model in apps.get_models():
        if not model._meta.app_config.name.startswith("donghanh."):
            continue
        if issubclass(model, HistoricalChanges):  # a history table itself
            continue
        yield model


def models_without_history(models, allowed=frozenset()):
    registered = set(registered_models.values())
    return sorted(
        f"{m._meta.label}" for m in models if m not in allowed and m not in registered and not hasattr(m, "history")
    )


def test_every_model_of_ours_keeps_a_change_history():
    missing = models_without_history(our_models(), WITHOUT_HISTORY)
    assert missing == [], f"add `history = HistoricalRecords()` to: {', '.join(missing)}"


def test_the_check_finds_a_model_without_history():
    # Without the allowance, the append-only log is reported: the check can fail.
    assert models_without_history(our_models()) == [
        "audit.AccessLogEntry",
        "casework.Notification",
        "casework.NotificationDelivery",
        "casework.NotificationPreference",
        "imports.ImportBatch",
        "reports.ExportJob",
        "reports.MemberMonth",
        "reports.MonthlyStatus",
        "reports.ReferralUnit",
        "reports.ServiceUnit",
        "reports.StatusHorizon",
        "reports.StatusStale",
    ]


def test_the_check_covers_the_models_we_know():
    labels = {m._meta.label for m in our_models()}
    assert {
        "orgunits.OrgUnit",
        "orgunits.OrgUnitSuccession",
        "accounts.User",
        "accounts.RoleAssignment",
    } <= labels
    assert not any(label.split(".")[1].startswith("Historical") for label in labels)

"""Recording reads of sensitive records."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_access_log_record_writes_who_what_and_where(make_user, unit):
    commune = unit("00091")
    actor = make_user(Role.COMMUNE_OFFICER, commune, username="xa.phuthuong")

    entry = access_log_record(actor=actor, obj=commune, detail="drug tests", unit=commune)

    entry = AccessLogEntry.objects.get(pk=entry.pk)
    assert entry.user == actor
    assert entry.username == "xa.phuthuong"
    assert entry.content_type == ContentType.objects.get_for_model(OrgUnit)
    assert entry.object_id == str(commune.pk)
    assert entry.object_repr == commune.name
    assert entry.detail == "drug tests"
    assert entry.unit == commune
    assert entry.action == AccessLogEntry.Action.VIEW
    assert entry.at is not None
    assert entry.ip_address is None


def test_export_with_the_request_address(make_user, unit):
    commune = unit("00091")
    actor = make_user(Role.COMMUNE_OFFICER, commune)
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    entry = access_log_record(
        actor=actor, obj=commune, action=AccessLogEntry.Action.EXPORT, unit=commune, request=request
    )
    entry.refresh_from_db()
    assert entry.action == AccessLogEntry.Action.EXPORT
    assert entry.ip_address == "203.0.113.7"


def test_long_texts_are_cut_to_fit(make_user, unit):
    commune = unit("00091")
    entry = access_log_record(actor=make_user(), obj=commune, detail="x" * 500, unit=commune)
    entry.refresh_from_db()
    assert len(entry.detail) == 200


def test_the_entry_survives_the_users_deletion(make_user, unit):
    commune = unit("00091")
    actor = make_user(username="se.bi.xoa")
    entry = access_log_record(actor=actor, obj=commune, unit=commune)
    actor.delete()
    entry.refresh_from_db()
    assert entry.user is None
    assert entry.username == "se.bi.xoa"

"""The partner directory API: scoped like the pages, writes through the services."""

from __future__ import annotations

import pytest

from donghanh.accounts.roles import Role
from donghanh.support import services

pytestmark = pytest.mark.django_db

PARTNERS = "/api/v1/partners/"


def test_a_commune_sees_its_partners_and_its_province_s_not_another_commune_s(
    client, officer, make_user, phu_thuong, hai_chau
):
    province_officer = make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)
    services.partner_add(actor=officer, unit=phu_thuong, name="Công ty May Tây Hồ", kind="business", offers_jobs=True)
    services.partner_add(
        actor=province_officer, unit=phu_thuong.parent, name="NHCSXH Hà Nội", kind="bank_branch", offers_loans=True
    )
    elsewhere = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far = services.partner_add(actor=elsewhere, unit=hai_chau, name="Xưởng mộc Hải Châu", kind="business")
    client.force_login(officer)
    body = client.get(PARTNERS).json()
    assert [p["name"] for p in body["results"]] == ["Công ty May Tây Hồ", "NHCSXH Hà Nội"]
    assert [p["name"] for p in client.get(PARTNERS, {"offers": "loans"}).json()["results"]] == ["NHCSXH Hà Nội"]
    assert [p["name"] for p in client.get(PARTNERS, {"q": "may"}).json()["results"]] == ["Công ty May Tây Hồ"]
    too_long = client.get(PARTNERS, {"q": "m" * 101})
    assert too_long.status_code == 400
    assert "q" in too_long.json()
    assert client.get(f"{PARTNERS}{far.pk}/").status_code == 404


def test_partners_are_added_and_changed_through_the_services(client, officer, phu_thuong, hai_chau, make_user):
    client.force_login(officer)
    created = client.post(
        PARTNERS,
        {"unit": phu_thuong.pk, "name": "Trường nghề Tây Hồ", "kind": "vocational_school", "offers_training": True},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["unit_code"] == "00091"
    changed = client.patch(
        f"{PARTNERS}{created.json()['id']}/",
        {"is_active": False},
        content_type="application/json",
        headers={"If-Match": created["ETag"]},
    )
    assert changed.json()["is_active"] is False
    elsewhere = client.post(
        PARTNERS, {"unit": hai_chau.pk, "name": "Xưởng", "kind": "business"}, content_type="application/json"
    )
    assert elsewhere.status_code == 403
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    refused = client.post(
        PARTNERS, {"unit": phu_thuong.pk, "name": "Xưởng", "kind": "business"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_list_costs_the_same_queries_for_one_partner_or_many(
    client, officer, phu_thuong, django_assert_max_num_queries
):
    client.force_login(officer)
    services.partner_add(actor=officer, unit=phu_thuong, name="Đối tác 0", kind="ngo")
    with django_assert_max_num_queries(6) as few:
        client.get(PARTNERS)
    for n in range(1, 8):
        services.partner_add(actor=officer, unit=phu_thuong, name=f"Đối tác {n}", kind="ngo")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PARTNERS)

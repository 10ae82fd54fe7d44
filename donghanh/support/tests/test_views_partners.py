"""The partner directory as users see it: the list with its search and filters, a partner's page, adding and editing.

State is built through the services; assertions read the rendered pages (elements by data-testid).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.support import services
from donghanh.support.models import Partner, ServiceType
from donghanh.support.tests.helpers import consent_to_referrals

pytestmark = pytest.mark.django_db

PARTNERS = reverse("support:partners")
CREATE = reverse("support:partner_create")
MARCH_1 = datetime.date(2025, 3, 1)


def vi(text: str) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def detail(partner: Partner) -> str:
    return reverse("support:partner", args=[partner.pk])


def edit(partner: Partner) -> str:
    return reverse("support:partner_edit", args=[partner.pk])


def names(response) -> list[str]:
    table = parse(response).find(data_testid="partner-table")
    return [row[0] for row in table.rows()] if table else []


def field_errors(response, name: str) -> list[str]:
    field = parse(response).get(data_field=name)
    return [node.text for node in field.find_all("div") if "invalid-feedback" in (node.attrs.get("class") or "")]


def partner_post(**fields):
    return {
        "name": "Trường nghề Tây Hồ",
        "kind": "vocational_school",
        "address": "12 Phú Thượng",
        "contact_person": "Cô Hạnh",
        "phone": "0912345678",
        "email": "truongnghe@example.vn",
        "offers_training": "on",
        "offer_notes": "Khóa may 3 tháng, miễn học phí",
        "is_active": "on",
        **fields,
    }


@pytest.fixture
def province_officer(make_user, phu_thuong):
    return make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)


@pytest.fixture
def directory(officer, province_officer, make_user, phu_thuong, hai_chau, unit):
    """Phú Thượng's own partners, Hà Nội's (which serve Phú Thượng), another Hà Nội commune's and Đà Nẵng's."""
    neighbour = unit("00004")
    neighbour_officer = make_user(Role.COMMUNE_OFFICER, neighbour)
    far_officer = make_user(Role.COMMUNE_OFFICER, hai_chau)
    return {
        "garment": services.partner_add(
            actor=officer, unit=phu_thuong, name="Công ty May Tây Hồ", kind="business", offers_jobs=True,
            contact_person="Anh Tuấn", phone="0987000111",
        ),
        "school": services.partner_add(
            actor=officer, unit=phu_thuong, name="Trường nghề Phú Thượng", kind="vocational_school",
            offers_training=True, offers_jobs=True, is_active=False,
        ),
        "bank": services.partner_add(
            actor=province_officer, unit=phu_thuong.parent, name="NHCSXH Hà Nội", kind="bank_branch",
            offers_loans=True,
        ),
        "clinic": services.partner_add(
            actor=province_officer, unit=phu_thuong.parent, name="Phòng khám Methadone Tây Hồ", kind="methadone_clinic",
            offers_treatment=True, offer_notes="Điều trị thay thế\nTư vấn",
        ),
        "neighbour": services.partner_add(
            actor=neighbour_officer, unit=neighbour, name="Xưởng gỗ Ba Đình", kind="business", offers_jobs=True
        ),
        "far": services.partner_add(
            actor=far_officer, unit=hai_chau, name="Xưởng mộc Hải Châu", kind="business", offers_jobs=True
        ),
    }  # fmt: skip


# --- the list -----------------------------------------------------------------------------------


def test_a_commune_sees_its_own_and_its_province_s_partners_only(client, officer, directory):
    client.force_login(officer)
    page = client.get(PARTNERS)
    assert names(page) == [
        "Công ty May Tây Hồ",
        "NHCSXH Hà Nội",
        "Phòng khám Methadone Tây Hồ",
        "Trường nghề Phú Thượng",
    ]
    row = parse(page).get(data_testid=f"partner-row-{directory['garment'].pk}")
    cells = row.rows()[0]
    assert cells[0] == "Công ty May Tây Hồ"
    assert cells[2] == "Phường Phú Thượng"
    assert vi("Jobs") in cells[3]
    assert cells[4] == "Anh Tuấn 0987000111"
    assert cells[5] == "Đang hoạt động"
    assert (directory["garment"].name, detail(directory["garment"])) in row.links()
    inactive = parse(page).get(data_testid=f"partner-row-{directory['school'].pk}")
    assert "Ngừng hoạt động" in inactive.text
    for elsewhere in ("far", "neighbour"):
        assert client.get(detail(directory[elsewhere])).status_code == 404
        assert client.get(edit(directory[elsewhere])).status_code == 404


def test_a_province_sees_its_communes_partners_and_not_another_province_s(client, province_officer, directory):
    client.force_login(province_officer)
    assert "Xưởng gỗ Ba Đình" in names(client.get(PARTNERS))
    assert "Xưởng mộc Hải Châu" not in names(client.get(PARTNERS))
    assert client.get(detail(directory["far"])).status_code == 404


def test_search_by_name_and_each_filter(client, officer, directory):
    client.force_login(officer)
    assert names(client.get(PARTNERS, {"q": "Tây Hồ"})) == ["Công ty May Tây Hồ", "Phòng khám Methadone Tây Hồ"]
    assert names(client.get(PARTNERS, {"kind": "bank_branch"})) == ["NHCSXH Hà Nội"]
    assert names(client.get(PARTNERS, {"offers": "jobs"})) == ["Công ty May Tây Hồ", "Trường nghề Phú Thượng"]
    assert names(client.get(PARTNERS, {"offers": "training"})) == ["Trường nghề Phú Thượng"]
    assert names(client.get(PARTNERS, {"offers": "loans"})) == ["NHCSXH Hà Nội"]
    assert names(client.get(PARTNERS, {"offers": "treatment"})) == ["Phòng khám Methadone Tây Hồ"]
    assert names(client.get(PARTNERS, {"active": "false"})) == ["Trường nghề Phú Thượng"]
    assert len(names(client.get(PARTNERS, {"active": "true"}))) == 3
    assert names(client.get(PARTNERS, {"offers": "jobs", "active": "true", "q": "may"})) == ["Công ty May Tây Hồ"]
    # The filter form shows what was chosen.
    page = parse(client.get(PARTNERS, {"kind": "business", "offers": "jobs", "active": "false", "q": "x"}))
    for testid, value in (("partner-kind", "business"), ("partner-offers", "jobs"), ("partner-active", "false")):
        chosen = [o.attrs["value"] for o in page.get(data_testid=testid).find_all("option") if "selected" in o.attrs]
        assert chosen == [value]
    assert page.get(data_testid="partner-search").attrs["value"] == "x"


def test_a_search_too_long_says_so_keeps_the_text_and_lists_every_partner(client, officer, directory):
    client.force_login(officer)
    text = "Tây Hồ " * 20  # 140 characters
    response = client.get(PARTNERS, {"q": text})
    assert response.status_code == 200
    page = parse(response)
    assert "100" in page.get(data_testid="filter-errors").text
    assert page.get(data_testid="partner-search").attrs["value"] == text
    assert len(names(response)) == len(names(client.get(PARTNERS)))


def test_htmx_gets_the_table_alone(client, officer, directory):
    client.force_login(officer)
    response = client.get(PARTNERS, {"offers": "loans"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "partner-filter" not in body
    assert names(response) == ["NHCSXH Hà Nội"]


def test_the_list_is_paged(client, officer, directory, settings):
    settings.LIST_PAGE_SIZE = 3
    client.force_login(officer)
    first = client.get(PARTNERS)
    assert len(names(first)) == 3
    assert vi("Next") in parse(first).find_all("nav")[-1].text
    assert names(client.get(PARTNERS, {"page": 2})) == ["Trường nghề Phú Thượng"]
    assert parse(first).get(data_testid="partner-count").text.startswith("4")


def test_empty_states_say_whether_nothing_exists_or_nothing_matches(client, officer, make_user, phu_thuong):
    client.force_login(officer)
    empty = parse(client.get(PARTNERS)).get(data_testid="empty")
    assert vi("No partner in the directory yet.") in empty.text
    assert (vi("Add a partner"), CREATE) in empty.links()
    services.partner_add(actor=officer, unit=phu_thuong, name="Công ty May Tây Hồ", kind="business")
    none_match = parse(client.get(PARTNERS, {"q": "không có"})).get(data_testid="empty")
    assert vi("No partner matches these filters.") in none_match.text
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))
    assert names(client.get(PARTNERS, {"q": "không có"})) == []
    empty_state = parse(client.get(PARTNERS, {"offers": "loans"})).get(data_testid="empty")
    assert vi("No partner matches these filters.") in empty_state.text


def test_only_those_who_keep_partners_see_the_add_button(client, officer, make_user, phu_thuong, directory):
    client.force_login(officer)
    assert parse(client.get(PARTNERS)).find(data_testid="add-partner") is not None
    for role in (Role.COMMUNE_POLICE, Role.HEALTH_STAFF, Role.VOLUNTEER):
        client.force_login(make_user(role, phu_thuong))
        page = client.get(PARTNERS)
        assert page.status_code == 200
        assert parse(page).find(data_testid="add-partner") is None
        assert parse(client.get(detail(directory["garment"]))).find(data_testid="partner-edit") is None
        assert client.get(CREATE).status_code == 403
        assert client.get(edit(directory["garment"])).status_code == 403


LIST_QUERIES = 5  # session, user, roles, count, the page of partners with their units


def test_the_list_queries_do_not_grow_with_partners(
    client, province_officer, unit, directory, django_assert_num_queries
):
    client.force_login(province_officer)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(PARTNERS).status_code == 200
    for code in ("00008", "00025"):
        commune = unit(code)
        for n in range(3):
            services.partner_add(
                actor=province_officer, unit=commune, name=f"Đối tác {n} {commune.name}", kind="ngo", offers_jobs=True
            )
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(PARTNERS)
    assert len(names(page)) == 11
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(PARTNERS, {"offers": "jobs", "q": "Đối"}, headers={"HX-Request": "true"}).status_code == 200


# --- a partner's page ---------------------------------------------------------------------------


def test_the_partner_page_shows_every_field(client, officer, directory):
    client.force_login(officer)
    page = parse(client.get(detail(directory["clinic"])))
    assert page.get(data_testid="partner-name").text == "Phòng khám Methadone Tây Hồ"
    assert page.get(data_testid="partner-kind").text == vi("Methadone clinic")
    assert page.get(data_testid="partner-unit").text == "Thành phố Hà Nội"
    assert vi("Treatment") in page.get(data_testid=f"partner-offers-{directory['clinic'].pk}").text
    assert page.get(data_testid="partner-offer-notes").text == "Điều trị thay thế Tư vấn"
    assert page.find(data_testid="partner-edit") is None  # the province's partner: not the commune's to edit
    own = parse(client.get(detail(directory["garment"])))
    assert own.get(data_testid="partner-unit").text == "Phường Phú Thượng — Thành phố Hà Nội"
    assert own.get(data_testid="partner-contact").text == "Anh Tuấn"
    assert own.get(data_testid="partner-edit").attrs["href"] == edit(directory["garment"])


def test_the_counts_hide_what_a_role_may_not_see(client, officer, make_user, phu_thuong, directory, assign_volunteer):
    clinic = directory["clinic"]
    person = person_register(
        actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990,
        registered_on=datetime.date(2024, 1, 2),
    )  # fmt: skip
    consent_to_referrals(officer, person)
    for kind in ("hiv_treatment", "methadone", "employment"):
        services.referral_send(
            actor=officer, person=person, partner=clinic, kind=kind, reason="Cần hỗ trợ", sent_on=MARCH_1
        )
    services.service_record(
        actor=officer, person=person, service_type=ServiceType.objects.get(code="medical_exam"), start_date=MARCH_1,
        provider=clinic,
    )  # fmt: skip
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    stranger = make_user(Role.VOLUNTEER, phu_thuong)  # a volunteer helping someone else
    seen = {
        officer: ("1", "3"),
        make_user(Role.HEALTH_STAFF, phu_thuong): ("1", "3"),
        make_user(Role.COMMUNE_POLICE, phu_thuong): ("1", "2"),  # no health referral for the police
        volunteer: ("1", "1"),  # neither drug treatment nor health
        stranger: ("0", "0"),
    }
    for user, (services_count, referrals_count) in seen.items():
        client.force_login(user)
        page = parse(client.get(detail(clinic)))
        assert page.get(data_testid="partner-services").text == services_count, user
        assert page.get(data_testid="partner-referrals").text == referrals_count, user


# --- adding and editing -------------------------------------------------------------------------


def test_a_commune_officer_adds_a_partner_of_their_commune(client, officer, phu_thuong):
    client.force_login(officer)
    page = client.get(CREATE)
    assert parse(page).get(data_testid="partner-unit").text == "Phường Phú Thượng — Thành phố Hà Nội"
    response = client.post(CREATE, partner_post(unit=phu_thuong.pk))
    partner = Partner.objects.get(name="Trường nghề Tây Hồ")
    assert response.status_code == 302 and response["Location"] == detail(partner)
    assert (partner.unit, partner.kind, partner.offers_training, partner.offers_jobs, partner.is_active) == (
        phu_thuong, "vocational_school", True, False, True,
    )  # fmt: skip
    assert partner.email == "truongnghe@example.vn" and partner.offer_notes == "Khóa may 3 tháng, miễn học phí"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        vi("%(name)s is added to the partner directory.") % {"name": "Trường nghề Tây Hồ"}
    ]


def test_a_province_officer_chooses_the_province_or_one_of_its_communes(client, province_officer, phu_thuong, hai_chau):
    client.force_login(province_officer)
    options = parse(client.get(CREATE)).get("select", name="unit").find_all("option")
    labels = [o.text for o in options if o.attrs.get("value")]
    assert labels[0] == "Thành phố Hà Nội"
    assert "Phường Phú Thượng — Thành phố Hà Nội" in labels
    assert not any("Hải Châu" in text for text in labels)
    refused = client.post(CREATE, partner_post(unit=hai_chau.pk))
    assert refused.status_code == 400
    assert field_errors(refused, "unit") == [vi("Choose a province or commune where you keep the partners.")]
    assert client.post(CREATE, partner_post(unit=phu_thuong.pk)).status_code == 302
    assert Partner.objects.get().unit == phu_thuong


def test_a_refused_partner_keeps_what_was_typed(client, officer, phu_thuong):
    client.force_login(officer)
    refused = client.post(CREATE, partner_post(unit=phu_thuong.pk, kind="", email="không-phải-email"))
    assert refused.status_code == 400
    form = parse(refused).get(data_testid="partner-form")
    assert form.get("input", name="name").attrs["value"] == "Trường nghề Tây Hồ"
    assert form.get("input", name="contact_person").attrs["value"] == "Cô Hạnh"
    assert form.get("input", name="email").attrs["value"] == "không-phải-email"
    assert "checked" in form.get("input", name="offers_training").attrs
    assert "checked" not in form.get("input", name="offers_loans").attrs
    assert form.get("textarea", name="offer_notes").text == "Khóa may 3 tháng, miễn học phí"
    assert field_errors(refused, "kind") and field_errors(refused, "email")
    assert parse(refused).find(data_testid="form-errors") is not None
    assert not Partner.objects.exists()


def test_a_name_already_used_in_the_unit_is_said_on_the_name_field(client, officer, province_officer, phu_thuong):
    taken = vi("A partner of this name is already in the directory of this unit.")
    services.partner_add(actor=officer, unit=phu_thuong, name="Trường nghề Tây Hồ", kind="vocational_school")
    client.force_login(officer)
    refused = client.post(CREATE, partner_post(unit=phu_thuong.pk))
    assert refused.status_code == 400
    assert field_errors(refused, "name") == [taken]
    assert parse(refused).get("input", name="address").attrs["value"] == "12 Phú Thượng"
    # The same name in the province is another partner.
    client.force_login(province_officer)
    assert client.post(CREATE, partner_post(unit=phu_thuong.parent.pk)).status_code == 302
    # Renaming a partner to a name taken in its unit.
    other = services.partner_add(actor=officer, unit=phu_thuong, name="Công ty May", kind="business")
    client.force_login(officer)
    renamed = client.post(edit(other), partner_post(name="Trường nghề Tây Hồ", kind="business", version=other.version))
    assert renamed.status_code == 400
    assert field_errors(renamed, "name") == [taken]
    other.refresh_from_db()
    assert other.name == "Công ty May"


def test_a_partner_is_edited_by_who_keeps_its_unit(client, officer, province_officer, directory):
    client.force_login(officer)
    garment = directory["garment"]
    page = parse(client.get(edit(garment))).get(data_testid="partner-form")
    assert page.find("select", name="unit") is None  # where it operates is not changed
    assert page.get("input", name="name").attrs["value"] == "Công ty May Tây Hồ"
    assert "checked" in page.get("input", name="offers_jobs").attrs
    response = client.post(
        edit(garment),
        partner_post(
            name="Công ty May Tây Hồ",
            kind="business",
            offers_loans="on",
            is_active="",
            version=page.get("input", name="version").attrs["value"],
        ),
    )
    assert response.status_code == 302 and response["Location"] == detail(garment)
    garment.refresh_from_db()
    assert (garment.offers_jobs, garment.offers_training, garment.offers_loans, garment.is_active) == (
        False, True, True, False,
    )  # fmt: skip
    # The province's partner: the commune officer sees it but may not change it; the province officer may.
    assert client.get(edit(directory["bank"])).status_code == 403
    assert client.post(edit(directory["bank"]), partner_post(kind="bank_branch")).status_code == 403
    client.force_login(province_officer)
    assert (
        client.post(
            edit(directory["bank"]),
            partner_post(name="NHCSXH TP Hà Nội", kind="bank_branch", version=directory["bank"].version),
        ).status_code
        == 302
    )
    garment.refresh_from_db()
    assert (
        client.post(
            edit(garment), partner_post(name="Công ty May", kind="business", version=garment.version)
        ).status_code
        == 302
    )


def test_every_page_carries_the_csp_and_no_inline_code(client, officer, province_officer, directory):
    client.force_login(officer)
    for page in (PARTNERS, CREATE, detail(directory["garment"]), edit(directory["garment"])):
        assert_csp_and_no_inline_code(client.get(page), page)
    client.force_login(province_officer)
    assert_csp_and_no_inline_code(client.get(CREATE), CREATE)

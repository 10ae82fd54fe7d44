"""The pages of a person's place on the roster as users see them: the roster section of the person page,
death, leaving and coming back, and moves between communes answered by the other commune.

State is built through the services; assertions read the rendered pages (elements by data-testid, the
English msgids with Accept-Language: en) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import DeathSource, RosterExit, Sex, TransferStatus
from donghanh.people.models import Person
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.people.services import person_register
from donghanh.people.tests.test_views import field_errors
from donghanh.roster.death import death_record
from donghanh.roster.models import TransferRequest
from donghanh.roster.transfers import transfer_propose

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
REGISTERED = TODAY - 60 * DAY
EN = {"Accept-Language": "en"}
TRANSFERS = reverse("roster:transfers")
ARRIVAL = reverse("roster:transfer_arrival")


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def url(name: str, obj: object) -> str:
    return reverse(name, args=[obj.pk])  # type: ignore[attr-defined]


def periods(page) -> list[dict[str, str]]:
    """The roster periods on a person's page, newest first: commune, dates, how each began and ended."""
    return [
        {
            "commune": item.get(data_testid="period-commune").text,
            "start": item.attrs["data-start"],
            "end": item.attrs["data-end"],
            "reason": item.attrs["data-reason"],
            "end_reason": item.attrs["data-end-reason"],
            "began": item.get(data_testid="period-began").text,
        }
        for item in page.find_all(data_testid="roster-period")
    ]


def page_of(client, user, target: str, **params):
    client.force_login(user)
    response = client.get(target, params, headers=EN)
    assert response.status_code == 200, target
    return parse(response)


@pytest.fixture
def ba_dinh(unit):
    return unit("00004")  # Phường Ba Đình, Hà Nội: the province of Phú Thượng


@pytest.fixture
def officer_a(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def officer_b(make_user, ba_dinh):
    return make_user(Role.COMMUNE_OFFICER, ba_dinh, full_name="Cán bộ Ba Đình")


@pytest.fixture
def officer_far(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau, full_name="Cán bộ Hải Châu")


@pytest.fixture
def hanoi(unit):
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def hung(officer_a, phu_thuong):
    return person_register(
        actor=officer_a, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990,
        citizen_id="001090012345", registered_on=REGISTERED,
    )  # fmt: skip


# --- the roster section of the person page -------------------------------------------------------


def test_roster_section_says_where_and_since_when_with_the_buttons_of_each_role(
    client, make_user, phu_thuong, officer_a, hung, assign_volunteer
):
    page = page_of(client, officer_a, url("people:detail", hung))
    status = page.get(data_testid="roster-status")
    assert status.attrs["data-state"] == "on"
    assert "Phường Phú Thượng" in status.text and dmy(REGISTERED) in status.text
    [period] = periods(page)
    assert (period["start"], period["end"], period["began"]) == (REGISTERED.isoformat(), "", "Registered")
    assert page.find(data_testid="roster-holds-none") is not None  # nothing recorded holds him yet
    for testid in ("transfer-propose", "roster-leave", "death-record"):
        assert page.find(data_testid=testid) is not None, testid
    for testid in ("roster-rejoin", "death-correct", "transfer", "roster-move"):
        assert page.find(data_testid=testid) is None, testid
    assert f"{TRANSFERS}?person={hung.pk}" in [href for _, href in page.get(data_testid="roster").links()]

    episode_open(actor=officer_a, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=REGISTERED)
    holds = page_of(client, officer_a, url("people:detail", hung)).get(data_testid="roster-holds").text
    assert str(EpisodeType.DRUG_USER_MANAGEMENT.label) in holds

    # A volunteer sees the period, not what holds him (his measures), and no button.
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, hung)
    page = page_of(client, volunteer, url("people:detail", hung))
    assert page.get(data_testid="roster-status").attrs["data-state"] == "on"
    for testid in ("roster-holds", "transfer-propose", "roster-leave", "death-record"):
        assert page.find(data_testid=testid) is None, testid


def test_person_page_reads_the_roster_in_a_fixed_number_of_queries(client, officer_a, ba_dinh, hung):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("people:detail", hung)).status_code == 200
        return len(queries)

    client.force_login(officer_a)
    few = count()
    for back in (40, 20):
        roster_leave(actor=officer_a, person=hung, on=TODAY - back * DAY, reason=RosterExit.MOVED_ABROAD)
        roster_rejoin(actor=officer_a, person=hung, on=TODAY - (back - 5) * DAY, note="Về nước")
    transfer_propose(actor=officer_a, person=hung, to_unit=ba_dinh, move_date=TODAY)
    assert count() == few
    shown = periods(parse(client.get(url("people:detail", hung))))
    assert [p["reason"] for p in shown] == ["returned", "returned", "registered"]
    assert [p["end_reason"] for p in shown] == ["", RosterExit.MOVED_ABROAD, RosterExit.MOVED_ABROAD]


# --- death ---------------------------------------------------------------------------------------


def test_death_is_recorded_refusals_keep_what_was_typed_and_the_page_shows_a_banner(client, officer_a, hung):
    client.force_login(officer_a)
    form = parse(client.get(url("roster:death_record", hung)))
    assert {radio.attrs["value"] for radio in form.find_all("input", name="source")} == set(DeathSource.values)

    future = {"died_on": dmy(TODAY + DAY), "source": DeathSource.POLICE, "note": "Tai nạn giao thông"}
    refused = client.post(url("roster:death_record", hung), future, headers=EN)
    assert refused.status_code == 400
    assert field_errors(refused, "died_on")
    assert parse(refused).get("textarea", name="note").text == "Tai nạn giao thông"
    assert "checked" in parse(refused).get("input", name="source", value=DeathSource.POLICE).attrs
    no_source = client.post(url("roster:death_record", hung), {"died_on": dmy(TODAY - 5 * DAY)})
    assert no_source.status_code == 400 and field_errors(no_source, "source")
    hung.refresh_from_db()
    assert hung.died_on is None

    done = client.post(url("roster:death_record", hung), {**future, "died_on": dmy(TODAY - 5 * DAY)})
    assert done.status_code == 302 and done["Location"] == url("people:detail", hung)
    hung.refresh_from_db()
    assert (hung.died_on, hung.death_source) == (TODAY - 5 * DAY, DeathSource.POLICE)
    page = page_of(client, officer_a, url("people:detail", hung))
    banner = page.get(data_testid="death-banner")
    assert dmy(TODAY - 5 * DAY) in banner.text and "The police" in banner.text and "Tai nạn" in banner.text
    status = page.get(data_testid="roster-status")
    assert status.attrs["data-state"] == "left" and dmy(TODAY - 5 * DAY) in status.text
    assert page.get(data_testid="roster-left-reason").text == "Died"
    assert page.find(data_testid="death-correct") is not None
    for testid in ("death-record", "roster-rejoin", "roster-leave", "transfer-propose"):
        assert page.find(data_testid=testid) is None, testid

    again = client.post(url("roster:death_record", hung), {**future, "died_on": dmy(TODAY - 2 * DAY)})
    assert again.status_code == 400
    assert parse(again).find(data_testid="form-errors") is not None


def test_a_volunteer_cannot_record_a_death_and_another_commune_gets_404(
    client, make_user, phu_thuong, officer_far, hung, assign_volunteer
):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, hung)
    client.force_login(volunteer)
    assert client.get(url("roster:death_record", hung)).status_code == 403
    typed = {"died_on": dmy(TODAY - DAY), "source": DeathSource.FAMILY}
    assert client.post(url("roster:death_record", hung), typed).status_code == 403
    hung.refresh_from_db()
    assert hung.died_on is None

    client.force_login(officer_far)
    for name in ("death_record", "death_correct", "leave", "rejoin", "transfer_propose"):
        assert client.get(url(f"roster:{name}", hung)).status_code == 404, name
    assert client.post(url("roster:death_record", hung), typed).status_code == 404


def test_a_death_recorded_by_mistake_is_corrected_with_a_reason(
    client, make_user, unit, phu_thuong, officer_a, hung, hanoi
):
    death_record(actor=officer_a, person=hung, died_on=TODAY - 3 * DAY, source=DeathSource.FAMILY)
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    assert client.get(url("roster:death_correct", hung)).status_code == 403  # police may record, not correct
    client.force_login(make_user(Role.PROVINCE_OFFICER, unit("48", level=OrgUnit.Level.PROVINCE)))
    assert client.get(url("roster:death_correct", hung)).status_code == 404

    province = make_user(Role.PROVINCE_OFFICER, hanoi)
    form = page_of(client, province, url("roster:death_correct", hung))
    assert dmy(TODAY - 3 * DAY) in form.get(data_testid="death-recorded").text
    refused = client.post(url("roster:death_correct", hung), {"reason": "  "})
    assert refused.status_code == 400 and field_errors(refused, "reason")
    done = client.post(url("roster:death_correct", hung), {"reason": "Nhầm người cùng tên"})
    assert done.status_code == 302
    page = page_of(client, officer_a, url("people:detail", hung))
    assert page.find(data_testid="death-banner") is None
    assert page.get(data_testid="roster-status").attrs["data-state"] == "on"


# --- leaving and coming back ---------------------------------------------------------------------


def test_taken_off_the_roster_by_a_decision_then_put_back(client, officer_a, hung):
    client.force_login(officer_a)
    leave = url("roster:leave", hung)
    typed = {"on": dmy(TODAY - DAY), "reason": RosterExit.REMOVED, "decision_number": "", "note": ""}
    refused = client.post(leave, typed)
    assert refused.status_code == 400
    assert field_errors(refused, "decision_number") and field_errors(refused, "note")
    assert "checked" in parse(refused).get("input", name="reason", value=RosterExit.REMOVED).attrs
    future = client.post(leave, {**typed, "on": dmy(TODAY + DAY), "decision_number": "12/QĐ-UBND", "note": "Đi xa"})
    assert future.status_code == 400 and field_errors(future, "on")
    assert parse(future).get("input", name="decision_number").attrs["value"] == "12/QĐ-UBND"

    done = client.post(leave, {**typed, "decision_number": "12/QĐ-UBND", "note": "Không còn cư trú"})
    assert done.status_code == 302
    page = page_of(client, officer_a, url("people:detail", hung))
    status = page.get(data_testid="roster-status")
    assert status.attrs["data-state"] == "left"
    assert dmy(TODAY - DAY) in status.text and "12/QĐ-UBND" in status.text and "Không còn cư trú" in status.text
    assert page.get(data_testid="roster-left-reason").text == "Removed by an officer's decision"
    assert page.find(data_testid="roster-leave") is None and page.find(data_testid="roster-rejoin") is not None

    rejoin = url("roster:rejoin", hung)
    no_reason = client.post(rejoin, {"on": dmy(TODAY), "note": ""})
    assert no_reason.status_code == 400 and field_errors(no_reason, "note")
    same_day = client.post(rejoin, {"on": dmy(TODAY - DAY), "note": "Phát hiện lại"})
    assert same_day.status_code == 400 and field_errors(same_day, "on")
    assert parse(same_day).get("textarea", name="note").text == "Phát hiện lại"
    assert client.post(rejoin, {"on": dmy(TODAY), "note": "Phát hiện lại"}).status_code == 302
    page = page_of(client, officer_a, url("people:detail", hung))
    assert page.get(data_testid="roster-status").attrs["data-state"] == "on"
    latest, earlier = periods(page)
    assert (latest["start"], latest["began"]) == (TODAY.isoformat(), "Back on the roster: Phát hiện lại")
    assert (earlier["end"], earlier["end_reason"]) == ((TODAY - DAY).isoformat(), RosterExit.REMOVED)


# --- moves between communes ----------------------------------------------------------------------


def test_a_move_is_proposed_then_accepted_by_the_receiving_commune(
    client, officer_a, officer_b, officer_far, ba_dinh, hung
):
    client.force_login(officer_a)
    propose = url("roster:transfer_propose", hung)
    assert parse(client.get(propose)).find("input", name="to_unit_query") is not None
    refused = client.post(propose, {"to_unit": "", "move_date": dmy(TODAY)})
    assert refused.status_code == 400 and field_errors(refused, "to_unit")
    future = client.post(propose, {"to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY + DAY), "note": "Theo vợ"})
    assert future.status_code == 400 and field_errors(future, "move_date")
    assert parse(future).get(data_testid="to_unit-chosen").find("input", value=str(ba_dinh.pk)) is not None
    assert parse(future).get("textarea", name="note").text == "Theo vợ"

    done = client.post(propose, {"to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY), "note": "Theo vợ"})
    assert done.status_code == 302 and done["Location"] == url("people:detail", hung)
    transfer = TransferRequest.objects.get(person=hung)
    assert (transfer.status, transfer.to_unit, transfer.proposed_by_side) == ("pending", ba_dinh, "leaving")
    page = page_of(client, officer_a, url("people:detail", hung))
    assert page.get(data_testid="roster-move").attrs["data-status"] == "pending"
    assert page.find(data_testid="transfer-propose") is None  # one move at a time
    mine = page_of(client, officer_a, TRANSFERS).get(data_testid="transfer-item")
    assert mine.find(data_testid="transfer-withdraw") and not mine.find(data_testid="transfer-accept")

    # The receiving commune does not see the person yet, but sees the move with the answer buttons.
    client.force_login(officer_b)
    assert client.get(url("people:detail", hung)).status_code == 404
    theirs = page_of(client, officer_b, TRANSFERS).get(data_testid="transfer-item")
    assert "Nguyễn Văn Hùng" in theirs.get(data_testid="transfer-person").text
    assert theirs.get(data_testid="transfer-person").find("a") is None
    assert theirs.find(data_testid="transfer-accept") and not theirs.find(data_testid="transfer-withdraw")

    client.force_login(officer_far)
    assert client.get(url("roster:transfer_detail", transfer)).status_code == 404
    assert page_of(client, officer_far, TRANSFERS).find(data_testid="transfer-item") is None

    client.force_login(officer_b)
    accepted = client.post(url("roster:transfer_detail", transfer), {"action": "accept", "next": "list"})
    assert accepted.status_code == 302 and accepted["Location"] == url("people:detail", hung)
    hung.refresh_from_db()
    assert hung.unit == ba_dinh
    page = page_of(client, officer_b, url("people:detail", hung))
    assert page.get(data_testid="roster-status").attrs["data-state"] == "on"
    latest, left = periods(page)
    assert (latest["commune"], latest["start"], latest["end"]) == ("Phường Ba Đình", TODAY.isoformat(), "")
    assert latest["began"] == "Moved to this commune"
    assert (left["commune"], left["end"], left["end_reason"]) == (
        "Phường Phú Thượng",
        (TODAY - DAY).isoformat(),
        "transferred",
    )


def test_a_refused_move_shows_why_and_only_the_answering_side_answers(client, officer_a, officer_b, ba_dinh, hung):
    transfer = transfer_propose(actor=officer_a, person=hung, to_unit=ba_dinh, move_date=TODAY)
    detail = url("roster:transfer_detail", transfer)
    client.force_login(officer_a)
    assert client.post(detail, {"action": "accept"}).status_code == 403  # the proposer does not answer
    assert client.post(detail, {"action": "refuse", "reason": "x"}).status_code == 403

    client.force_login(officer_b)
    assert client.post(detail, {"action": "withdraw"}).status_code == 403
    assert client.post(detail, {"action": "nonsense"}).status_code == 400
    empty = client.post(detail, {"action": "refuse", "reason": " "})
    assert empty.status_code == 400 and field_errors(empty, "reason")
    assert "open" in parse(empty).get(data_testid="transfer-refuse").attrs
    refused = client.post(detail, {"action": "refuse", "reason": "Không cư trú tại phường", "next": "list"})
    assert refused.status_code == 302 and refused["Location"] == TRANSFERS
    item = page_of(client, officer_b, TRANSFERS).get(data_testid="transfer-item")
    assert item.get(data_testid="transfer-status").attrs["data-status"] == TransferStatus.REFUSED
    assert "Không cư trú tại phường" in item.get(data_testid="transfer-refusal").text
    assert item.find(data_testid="transfer-actions") is None

    move = page_of(client, officer_a, url("people:detail", hung)).get(data_testid="roster-move")
    assert move.attrs["data-status"] == "refused" and "Không cư trú tại phường" in move.text
    hung.refresh_from_db()
    assert hung.unit.code == "00091"
    client.force_login(officer_b)
    again = client.post(detail, {"action": "accept"})
    assert again.status_code == 400 and parse(again).find(data_testid="form-errors") is not None


def test_the_proposer_withdraws_a_move(client, officer_a, ba_dinh, hung):
    transfer = transfer_propose(actor=officer_a, person=hung, to_unit=ba_dinh, move_date=TODAY)
    client.force_login(officer_a)
    response = client.post(url("roster:transfer_detail", transfer), {"action": "withdraw"})
    assert response.status_code == 302 and response["Location"] == url("roster:transfer_detail", transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert page_of(client, officer_a, url("people:detail", hung)).find(data_testid="transfer-propose") is not None


def test_the_receiving_commune_reports_an_arrival_by_exact_code(
    client, make_user, phu_thuong, officer_a, officer_b, ba_dinh, hung
):
    client.force_login(officer_b)
    form = parse(client.get(ARRIVAL))
    chosen = [o.attrs["value"] for o in form.get("select", name="to_unit").find_all("option")]
    assert chosen == [str(ba_dinh.pk)]
    nothing = client.post(ARRIVAL, {"to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY)})
    assert nothing.status_code == 400 and field_errors(nothing, "code")
    unknown = client.post(ARRIVAL, {"code": "DH9999999", "to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY - DAY)})
    assert unknown.status_code == 400 and field_errors(unknown, "code")
    assert parse(unknown).get("input", name="move_date").attrs["value"] == dmy(TODAY - DAY)
    by_id = client.post(ARRIVAL, {"citizen_id": "001090099999", "to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY)})
    assert by_id.status_code == 400 and field_errors(by_id, "citizen_id")
    elsewhere = client.post(ARRIVAL, {"code": hung.code, "to_unit": str(phu_thuong.pk), "move_date": dmy(TODAY)})
    assert elsewhere.status_code == 400 and field_errors(elsewhere, "to_unit")  # not a commune the user manages

    done = client.post(ARRIVAL, {"code": hung.code.lower(), "to_unit": str(ba_dinh.pk), "move_date": dmy(TODAY)})
    transfer = TransferRequest.objects.get(person=hung)
    assert done.status_code == 302 and done["Location"] == url("roster:transfer_detail", transfer)
    assert (transfer.proposed_by_side, transfer.from_unit, transfer.to_unit) == ("arriving", phu_thuong, ba_dinh)

    # Now the commune the person left answers.
    item = page_of(client, officer_a, TRANSFERS).get(data_testid="transfer-item")
    assert item.find(data_testid="transfer-accept") is not None
    assert client.post(url("roster:transfer_detail", transfer), {"action": "accept"}).status_code == 302
    hung.refresh_from_db()
    assert hung.unit == ba_dinh

    volunteer = make_user(Role.VOLUNTEER, ba_dinh)
    client.force_login(volunteer)
    assert client.get(ARRIVAL).status_code == 403


def test_the_province_completes_a_move_left_unanswered(client, make_user, officer_a, ba_dinh, hanoi, hung):
    transfer = transfer_propose(actor=officer_a, person=hung, to_unit=ba_dinh, move_date=TODAY - DAY)
    province = make_user(Role.PROVINCE_OFFICER, hanoi)
    item = page_of(client, province, TRANSFERS).get(data_testid="transfer-item")
    assert item.find(data_testid="transfer-complete") is None
    assert item.find(data_testid="transfer-province-from") is not None
    early = client.post(url("roster:transfer_detail", transfer), {"action": "complete"})
    assert early.status_code == 400 and parse(early).find(data_testid="form-errors") is not None

    TransferRequest.objects.filter(pk=transfer.pk).update(proposed_at=timezone.now() - 8 * DAY)
    item = page_of(client, province, TRANSFERS).get(data_testid="transfer-item")
    assert item.find(data_testid="transfer-complete") is not None
    response = client.post(url("roster:transfer_detail", transfer), {"action": "complete"})
    assert response.status_code == 302 and response["Location"] == url("people:detail", hung)
    transfer.refresh_from_db()
    hung.refresh_from_db()
    assert (transfer.status, hung.unit) == (TransferStatus.COMPLETED_BY_PROVINCE, ba_dinh)


def test_the_list_of_moves_is_paged_filtered_and_read_in_a_fixed_number_of_queries(
    client, officer_a, ba_dinh, phu_thuong
):
    def register(n: int) -> Person:
        return person_register(
            actor=officer_a, unit=phu_thuong, full_name=f"Người Thứ {n}", sex=Sex.MALE, birth_year=1990,
            registered_on=REGISTERED,
        )  # fmt: skip

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TRANSFERS).status_code == 200
        return len(queries)

    for n in range(2):
        transfer_propose(actor=officer_a, person=register(n), to_unit=ba_dinh, move_date=TODAY)
    client.force_login(officer_a)
    few = count()
    for n in range(2, 8):
        transfer_propose(actor=officer_a, person=register(n), to_unit=ba_dinh, move_date=TODAY)
    assert count() == few
    assert len(parse(client.get(TRANSFERS)).find_all(data_testid="transfer-item")) == 8
    refused = TransferRequest.objects.order_by("pk").first()
    assert refused is not None
    TransferRequest.objects.filter(pk=refused.pk).update(status=TransferStatus.REFUSED, refusal_reason="Không")
    items = parse(client.get(TRANSFERS)).find_all(data_testid="transfer-item")
    assert items[-1].attrs["data-transfer"] == str(refused.pk)  # the ones waiting come first
    only = parse(client.get(TRANSFERS, {"status": "refused"})).find_all(data_testid="transfer-item")
    assert [i.attrs["data-transfer"] for i in only] == [str(refused.pk)]
    mine = parse(client.get(TRANSFERS, {"person": refused.person_id})).find_all(data_testid="transfer-item")
    assert len(mine) == 1
    partial = client.get(TRANSFERS, {"status": "pending"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and partial.count('data-testid="transfer-item"') == 7


def test_the_menu_links_the_moves_for_commune_and_province_offices(client, make_user, phu_thuong, unit, hanoi):
    for role, at, shown in (
        (Role.COMMUNE_OFFICER, phu_thuong, True),
        (Role.HEALTH_STAFF, phu_thuong, True),
        (Role.PROVINCE_OFFICER, hanoi, True),
        (Role.VOLUNTEER, phu_thuong, False),
        (Role.NATIONAL_MANAGER, unit("VN", level=OrgUnit.Level.NATION), False),
    ):
        page = page_of(client, make_user(role, at), reverse("home"))
        assert (page.find(data_testid="nav-transfers") is not None) is shown, role


def test_roster_pages_carry_no_inline_script_or_style(client, officer_a, ba_dinh, hung):
    transfer = transfer_propose(actor=officer_a, person=hung, to_unit=ba_dinh, move_date=TODAY)
    client.force_login(officer_a)
    for name in ("death_record", "leave", "rejoin", "transfer_propose"):
        assert_csp_and_no_inline_code(client.get(url(f"roster:{name}", hung)), name)
    for target in (TRANSFERS, ARRIVAL, url("roster:transfer_detail", transfer), url("people:detail", hung)):
        assert_csp_and_no_inline_code(client.get(target), target)
    death_record(actor=officer_a, person=hung, died_on=TODAY, source=DeathSource.OTHER)
    assert_csp_and_no_inline_code(client.get(url("roster:death_correct", hung)), "death_correct")

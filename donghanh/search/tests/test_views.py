"""The site search (/search/?q=) and the search box of the menu: what each key finds, in each group, in scope only;
the people list and its API answer `q` the same way, through the one filter set."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.community import services as community
from donghanh.community.models import ModelType
from donghanh.people.choices import RosterExit, Sex
from donghanh.people.models import Person
from donghanh.people.roster import roster_leave
from donghanh.people.services import person_register
from donghanh.search.views import FOUND_IN_SEARCH
from donghanh.support.services import partner_add

pytestmark = pytest.mark.django_db

D = datetime.date
SEARCH = reverse("search:results")
CCCD = "001090012345"  # a man born in 1990, birth registered in Hà Nội
CMND = "012345678"  # an old nine-digit identity card
PHONE = "0912345678"


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


def register(officer, unit, full_name: str, **fields: Any) -> Person:
    fields.setdefault("birth_year", 1990)
    return person_register(
        actor=officer, unit=unit, full_name=full_name, sex=fields.pop("sex", Sex.MALE),
        registered_on=D(2025, 9, 1), **fields,
    )  # fmt: skip


@pytest.fixture
def world(officer, make_user, phu_thuong, hai_chau):
    """Phú Thượng: Hùng (CCCD), Lan (old CMND, phone; she left the roster), a partner and a club; Hải Châu: its
    own Hùng, partner and club."""
    hung = register(officer, phu_thuong, "Nguyễn Văn Hùng", citizen_id=CCCD)
    lan = register(officer, phu_thuong, "Trần Thị Lan", sex=Sex.FEMALE, birth_year=1985, citizen_id=CMND, phone=PHONE)
    roster_leave(actor=officer, person=lan, on=D(2025, 10, 1), reason=RosterExit.MOVED_ABROAD)
    partner = partner_add(actor=officer, unit=phu_thuong, name="Hợp tác xã Đồng Tâm", kind="business")
    club = community.model_create(
        actor=officer, unit=phu_thuong, model_type=ModelType.objects.get(code="post_rehab_club"),
        name="CLB Vững Bước", decision_number="45/QĐ-UBND", decision_date=D(2024, 1, 15),
        established_on=D(2024, 1, 15),
    )  # fmt: skip
    far = make_user(Role.COMMUNE_OFFICER, hai_chau)
    register(far, hai_chau, "Nguyễn Văn Hùng", birth_year=1991)
    partner_add(actor=far, unit=hai_chau, name="Hợp tác xã Hải Châu", kind="business")
    return {"hung": hung, "lan": lan, "partner": partner, "club": club, "far": far}


def search(client, user, q: str) -> Any:
    client.force_login(user)
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return response


def names(response, key: str) -> set[str]:
    group = next((g for g in response.context["groups"] if g.key == key), None)
    return {getattr(row, "full_name", None) or row.name for row in group.rows} if group else set()


# --- people, by every key ----------------------------------------------------------------------------------------

KEYS = [
    ("hung nguyen", "Nguyễn Văn Hùng"),  # folded name, words in any order
    ("NGUYỄN văn", "Nguyễn Văn Hùng"),
    ("001 090 012 345", "Nguyễn Văn Hùng"),  # CCCD with spaces
    ("001.090.012.345", "Nguyễn Văn Hùng"),
    (CMND, "Trần Thị Lan"),  # old CMND; she has left the roster and is still found
    ("0912 345 678", "Trần Thị Lan"),  # phone
    ("+84 912 345 678", "Trần Thị Lan"),
    ("84912345678", "Trần Thị Lan"),
    ("912345678", "Trần Thị Lan"),  # the leading 0 dropped, as after +84
]


def test_the_search_finds_a_person_by_each_key(client, officer, world):
    for typed, expected in KEYS:
        response = search(client, officer, typed)
        assert names(response, "people") == {expected}, typed
        assert expected in response.content.decode()


def test_a_person_code_is_found_as_typed(client, officer, world):
    code = world["hung"].code  # DH0000123
    for typed in (code, code.lower(), f"dh {int(code[2:])}"):
        assert names(search(client, officer, typed), "people") == {"Nguyễn Văn Hùng"}, typed


def test_the_people_api_answers_q_the_same(client, officer, world):
    client.force_login(officer)
    for typed, expected in [*KEYS, (world["hung"].code.lower(), "Nguyễn Văn Hùng"), ("dh" + "0" * 7, None)]:
        response = client.get("/api/v1/people/", {"q": typed, "roster": "all"})
        assert response.status_code == 200
        assert {row["full_name"] for row in response.json()["results"]} == ({expected} if expected else set()), typed


def test_a_number_finds_no_one_by_a_part_of_it(client, officer, world):
    for typed in (CCCD[:9], PHONE[:7], CCCD + "0"):
        assert names(search(client, officer, typed), "people") == set(), typed


def test_the_results_show_what_the_list_shows_and_no_identifier(client, officer, world):
    page = search(client, officer, PHONE).content.decode()
    assert "Trần Thị Lan" in page and world["lan"].code in page and "1985" in page and "Phường Phú Thượng" in page
    assert CMND not in page  # her other number, not typed, is never shown
    assert PHONE not in search(client, officer, CMND).content.decode()


# --- partners and community models ---------------------------------------------------------------------------------


def test_partners_and_models_are_found_by_name_without_diacritics(client, officer, world):
    response = search(client, officer, "dong tam")
    assert names(response, "partners") == {"Hợp tác xã Đồng Tâm"}
    assert names(response, "people") == names(response, "models") == set()
    assert names(search(client, officer, "vung buoc"), "models") == {"CLB Vững Bước"}
    page = search(client, officer, "hop tac xa").content.decode()
    assert reverse("support:partner", args=[world["partner"].pk]) in page
    assert "Hợp tác xã Hải Châu" not in page  # another province's directory


def test_groups_come_in_order_with_links_to_the_whole_lists(client, officer, world, phu_thuong):
    register(officer, phu_thuong, "Vững Văn Bước", birth_year=1992)
    response = search(client, officer, "vung")
    assert [g.key for g in response.context["groups"]] == ["people", "models"]
    page = response.content.decode()
    assert "Người được hỗ trợ" in page and "Mô hình" in page and "Đối tác hỗ trợ" not in page
    assert f"{reverse('people:list')}?q=vung&amp;roster=all" in page
    assert f"{reverse('community:models')}?q=vung" in page


def test_a_group_shows_ten_and_says_there_are_more(client, officer, world, phu_thuong):
    for n in range(11):
        register(officer, phu_thuong, f"Phạm Văn Tư {chr(65 + n)}")
    response = search(client, officer, "pham van tu")
    [people] = response.context["groups"]
    assert len(people.rows) == 10 and people.more
    assert "10+" in response.content.decode() and "Tìm thấy hơn 10 kết quả" in response.content.decode()
    client.force_login(officer)
    listed = client.get(reverse("people:list"), {"q": "pham van tu", "roster": "all"})
    assert len(listed.context["rows"]) == 11  # what "see all" opens


# --- scope and roles -----------------------------------------------------------------------------------------------


def test_an_officer_of_another_commune_finds_nothing_of_phu_thuong(client, world):
    far = world["far"]
    for typed in (CCCD, CMND, PHONE, world["hung"].code, "dong tam", "vung buoc", "tran thi lan"):
        response = search(client, far, typed)
        assert response.context["groups"] == [], typed
        assert "Không tìm thấy kết quả nào" in response.content.decode()
    assert names(search(client, far, "nguyen van hung"), "people") == {"Nguyễn Văn Hùng"}  # Hải Châu's own
    assert not AccessLogEntry.objects.filter(user=far).exists()


def test_a_board_member_searches_their_clubs_and_members_but_not_partners(client, make_user, officer, world):
    user = make_user(Role.BOARD_MEMBER, world["club"].unit)
    community.board_add(
        actor=officer, model=world["club"], role="chair", full_name="Lê Thị Mai", start_date=D(2024, 2, 1), user=user
    )
    response = search(client, user, "vung buoc")
    assert names(response, "models") == {"CLB Vững Bước"}
    assert names(search(client, user, "dong tam"), "partners") == set()
    assert names(search(client, user, CCCD), "people") == set()  # not a member of their club
    assert 'data-testid="site-search"' in response.content.decode()


def test_a_user_with_nothing_to_search_has_no_box_and_no_page(client, make_user, unit, world):
    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=0))
    client.force_login(admin)
    assert 'data-testid="site-search"' not in client.get(reverse("home")).content.decode()
    assert client.get(SEARCH, {"q": "hung"}).status_code == 403


def test_the_menu_box_opens_the_search(client, officer, world):
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="site-search"' in page and f'action="{SEARCH}"' in page


# --- the access log ----------------------------------------------------------------------------------------------


def test_a_lookup_by_number_is_logged_without_the_number(client, officer, world):
    search(client, officer, "+84 912 345 678")
    [entry] = AccessLogEntry.objects.filter(user=officer)
    assert entry.object_id == str(world["lan"].pk) and entry.detail == FOUND_IN_SEARCH
    assert entry.content_type == ContentType.objects.get_for_model(Person) and entry.unit == world["lan"].unit
    assert "912" not in entry.detail
    search(client, officer, "tran thi lan")  # a name: an ordinary list
    search(client, officer, "0999999999")  # found no one
    assert AccessLogEntry.objects.filter(user=officer).count() == 1


def test_the_people_list_logs_a_lookup_by_number_too(client, officer, world):
    client.force_login(officer)
    client.get(reverse("people:list"), {"q": CCCD})
    client.get("/api/v1/people/", {"q": CCCD})
    client.get(reverse("people:list"), {"q": "hung"})
    assert list(AccessLogEntry.objects.filter(user=officer).values_list("object_id", "detail")) == [
        (str(world["hung"].pk), "API: found by CCCD, ID card or phone number"),
        (str(world["hung"].pk), "found by CCCD, ID card or phone number"),
    ]


# --- cost and hostile input ----------------------------------------------------------------------------------------


def queries_of(client, q: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH, {"q": q}).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, officer, world, phu_thuong):
    client.force_login(officer)
    queries_of(client, "hop tac")  # the session and the content types, read once
    few = queries_of(client, "hop tac")
    for n in range(12):
        register(officer, phu_thuong, f"Hợp Văn Tác {chr(65 + n)}")
        partner_add(actor=officer, unit=phu_thuong, name=f"Hợp tác xã số {n}", kind="business")
    assert queries_of(client, "hop tac") == few
    assert few == 6, few  # the session, the user, their roles, and one query a group


STRANGE = [
    "a" * 101,
    "hùng " * 40,
    "'; DROP TABLE people_person; --",
    '" OR 1=1 --',
    "%",
    "%%",
    "_ _",
    "\\",
    "\u202ehung",  # a right-to-left override
    "😀😀",
    "𝔥𝔲𝔫𝔤",
    "+",
    "()",
    "0",
    "   ",
]


def test_strange_input_gives_no_error(client, officer, world):
    for typed in STRANGE:
        assert search(client, officer, typed).context["groups"] == [], typed
        assert client.get(reverse("people:list"), {"q": typed}).status_code == 200, typed
        assert client.get("/api/v1/people/", {"q": typed}).status_code in (200, 400), typed


def test_a_query_too_long_or_too_short_says_so(client, officer, world):
    assert "Hãy gõ ít nhất hai chữ cái" in search(client, officer, "h").content.decode()
    long = search(client, officer, "hung " * 30)
    assert long.context["groups"] == [] and 'data-testid="search-error"' in long.content.decode()
    assert client.get("/api/v1/people/", {"q": "hung " * 30}).status_code == 400


def test_a_decomposed_name_is_found_as_a_composed_one(client, officer, world):
    assert names(search(client, officer, "Nguye\u0302\u0303n Va\u0306n"), "people") == {"Nguyễn Văn Hùng"}

"""The inputs made for a phone as the server renders them: a date field asks for the number pad and offers a
calendar, a multiple choice is marked searchable, and the people list folds its filters under a button counting
those in use, sent again out of band when the list answers htmx. What a browser does with them is in
web/tests/browser/test_phone_inputs.py."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.core.forms import SearchableSelectMultiple, date_field, filters_in_use
from donghanh.core.tests.pages import parse
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.services import person_register


class ListFilters(forms.Form):
    day = date_field("Ngày", required=False)
    kinds = forms.MultipleChoiceField(
        choices=[("a", "Một"), ("b", "Hai")], required=False, widget=SearchableSelectMultiple
    )
    order = forms.ChoiceField(choices=[("new", "Mới"), ("old", "Cũ")], required=False)


def test_a_date_field_asks_for_the_number_pad_and_offers_a_calendar() -> None:
    with translation.override("vi"):
        field = parse(str(ListFilters(initial={"day": datetime.date(2026, 12, 6)})["day"])).get("input")
    assert field.attrs["inputmode"] == "numeric"
    assert field.attrs["placeholder"] == "dd/mm/yyyy"
    assert field.attrs["data-datepicker"] == "Chọn ngày trên lịch"  # the calendar button's label
    assert field.attrs["value"] == "06/12/2026"


def test_a_multiple_choice_is_marked_searchable_in_the_page_s_language() -> None:
    with translation.override("vi"):
        select = parse(str(ListFilters()["kinds"])).get("select")
    assert "multiple" in select.attrs and "data-searchable-select" in select.attrs
    assert select.attrs["data-placeholder"] == "Gõ để chọn"
    assert select.attrs["data-no-results"] == "Không có mục nào khớp"


def test_filters_in_use_count_each_field_once_and_not_its_default() -> None:
    names = ["day", "kinds", "order"]
    assert filters_in_use(ListFilters(), names) == 0  # unbound: nothing chosen
    data = QueryDict("day=06/12/2026&kinds=a&kinds=b&order=new&page=2")
    assert filters_in_use(ListFilters(data), names) == 3
    assert filters_in_use(ListFilters(data), names, defaults={"order": "new"}) == 2
    assert filters_in_use(ListFilters(QueryDict("day=+&kinds=&order=old")), names, defaults={"order": "new"}) == 1


@pytest.mark.django_db
def test_the_people_list_folds_its_filters_and_counts_them(client, make_user, phu_thuong) -> None:
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    person_register(
        actor=officer, unit=phu_thuong, full_name="Lê Văn Bình", sex=Sex.MALE, birth_year=1988,
        registered_on=datetime.date(2026, 1, 5), whereabouts=Whereabouts.MOVED_AWAY,
    )  # fmt: skip
    client.force_login(officer)
    people = reverse("people:list")

    page = parse(client.get(people))
    panel = page.get(data_testid="filter-panel")
    assert "collapse" in panel.attrs["class"] and "show" not in panel.attrs["class"]  # folded on a phone
    assert page.get(data_testid="filter-toggle").attrs["href"] == f"#{panel.attrs['id']}"  # opens it without JS
    assert page.get(data_testid="filter-count").text == ""
    assert "data-searchable-select" in panel.get("select", name="whereabouts").attrs
    assert "data-datepicker" in panel.get("input", name="as_of").attrs

    # The default roster is no filter; a whereabouts is one, also in the count sent with the table to htmx.
    chosen = {"roster": "on", "whereabouts": [Whereabouts.MOVED_AWAY, Whereabouts.DETAINED]}
    assert parse(client.get(people, chosen)).get(data_testid="filter-count").text == "1"
    table = parse(client.get(people, chosen, headers={"HX-Request": "true"}))
    count = table.get(data_testid="filter-count")
    assert (count.text, count.attrs["hx-swap-oob"]) == ("1", "true")

    # A date not in the calendar: the panel stays open on the message.
    page = parse(client.get(people, {"as_of": "31/02/2026"}))
    assert "show" in page.get(data_testid="filter-panel").attrs["class"]

"""Dates typed in a form as officers type them, on a desktop and on a phone's number pad."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.utils import translation

from donghanh.core.forms import date_field


class DayForm(forms.Form):
    day = date_field("Ngày")


@pytest.mark.parametrize("typed", ["06/12/2026", "6/12/2026", "06-12-2026", "6.12.2026", "06122026", "6/12/26",
                                   "2026-12-06"])  # fmt: skip
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_is_read_however_it_is_typed(typed, language):
    with translation.override(language):
        form = DayForm({"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 6)


@pytest.mark.parametrize("typed", ["31/02/2026", "32122026", "12/2026", "hôm nay", "06122026x"])
def test_what_is_not_a_day_says_how_to_type_it(typed):
    with translation.override("vi"):
        form = DayForm({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == ["Nhập ngày theo dạng dd/mm/yyyy."]

"""Folding Vietnamese text for matching."""

import pytest

from donghanh.core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường Đá", "duong da"),
        ("đ", "d"),
        ("Đ", "d"),
        ("Phường Phú Thượng", "phuong phu thuong"),
        ("Thành phố Đà Nẵng", "thanh pho da nang"),
        ("  Hà   Nội ", "ha noi"),
        ("Ỷ Lan ỵ Ữ", "y lan y u"),
        ("da nang", "da nang"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_the_same_for_composed_and_decomposed_input():
    import unicodedata

    text = "Thành phố Hồ Chí Minh"
    assert (
        fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text)) == "thanh pho ho chi minh"
    )

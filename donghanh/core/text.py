"""Vietnamese text helpers."""

import unicodedata


def fold(text: str) -> str:
    """Fold Vietnamese text for matching: no diacritics, lower case, single spaces.

    "đ" is a letter of its own, not d plus a combining mark, so it is mapped first.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", stripped).lower().split())


def in_language(vi: str, en: str) -> str:
    """Of a label kept in both languages (configurable lists: service types, model types, rating levels), the one
    of the active language; Vietnamese unless English is asked for."""
    from django.utils.translation import get_language

    return en if (get_language() or "vi").startswith("en") else vi

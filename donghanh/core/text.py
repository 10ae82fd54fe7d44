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


def clean_name(text: str) -> str:
    """A name as kept: composed (NFC, as Vietnamese keyboards differ), without invisible format characters (bidi
    overrides that reverse what follows, zero-width spaces and joiners, byte-order marks: Unicode category Cf, none
    of which a Vietnamese name needs), single spaces."""
    composed = unicodedata.normalize("NFC", text)
    return " ".join("".join(ch for ch in composed if unicodedata.category(ch) != "Cf").split())


def has_letters(text: str) -> bool:
    """Whether the text holds a letter at all (a name is not a number or punctuation alone)."""
    return any(ch.isalpha() for ch in text)


def in_language(vi: str, en: str) -> str:
    """Of a label kept in both languages (configurable lists: service types, model types, rating levels), the one
    of the active language; Vietnamese unless English is asked for."""
    from django.utils.translation import get_language

    return en if (get_language() or "vi").startswith("en") else vi

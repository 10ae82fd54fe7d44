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

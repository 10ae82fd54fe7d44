"""The Vietnamese catalogue is complete, and the committed .mo is compiled from the current .po.

No database: these tests read donghanh/locale/vi/LC_MESSAGES/django.po and django.mo directly.
After `make messages` (makemessages + compilemessages), translate every new entry, then commit
both files: a laptop without gettext still shows Vietnamese from the committed .mo.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

LC_MESSAGES = Path(settings.BASE_DIR, "donghanh", "locale", "vi", "LC_MESSAGES")
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# Keys of a GNUTranslations catalogue: "msgid", "ctxt\x04msgid", or (msgid, n) for plural forms.
CatalogKey = str | tuple[str, int]


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is index 0 when there is no plural

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def catalog_items(self) -> dict[CatalogKey, str]:
        if self.msgid_plural is None:
            return {self.key: self.msgstr.get(0, "")}
        return {(self.key, n): text for n, text in self.msgstr.items()}


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_CONTINUATION = re.compile(r'^(".*")\s*$')


def _unquote(literal: str) -> str:
    # A PO string uses C escapes (\n, \t, \", \\); as a Python literal it reads the same way.
    # The file is UTF-8, so the text itself needs no escaping.
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def parse_po(text: str) -> list[PoEntry]:
    """Entries of a PO file (obsolete `#~` entries skipped), with flags and multi-line strings joined."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:
                finish()  # a comment after strings starts the next entry
                target = None
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.group(1), match.group(2), match.group(3)
            starts_entry = keyword == "msgctxt" or (keyword == "msgid" and target != ("msgctxt", 0))
            if starts_entry and entry is not None and target is not None:
                finish()
            if entry is None:
                entry = PoEntry(line=number, flags=pending_flags)
                pending_flags = set()
            value = _unquote(literal)
            if keyword == "msgctxt":
                entry.msgctxt = value
                target = ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid = value
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural = value
                target = ("msgid_plural", 0)
            else:
                n = int(index) if index is not None else 0
                entry.msgstr[n] = value
                target = ("msgstr", n)
            continue
        match = _CONTINUATION.match(line)
        if match and entry is not None and target is not None:
            value = _unquote(match.group(1))
            name, n = target
            if name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif name == "msgid":
                entry.msgid += value
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[n] += value
            continue
        raise AssertionError(f"{PO_PATH.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def po_entries() -> list[PoEntry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


def po_header() -> dict[str, str]:
    header = next(e for e in po_entries() if e.is_header)
    fields = {}
    for row in header.msgstr.get(0, "").splitlines():
        name, _, value = row.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def mo_catalog(path: Path) -> dict[CatalogKey, str]:
    """The translations in a compiled .mo, as Python's gettext reads them (the header left out)."""
    with path.open("rb") as mo:
        catalog: dict[CatalogKey, str] = dict(gnu_gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


def po_catalog() -> dict[CatalogKey, str]:
    """What msgfmt puts in the .mo: every translated, non-fuzzy entry except the header."""
    catalog: dict[CatalogKey, str] = {}
    for entry in po_entries():
        if entry.is_header or "fuzzy" in entry.flags:
            continue
        items = entry.catalog_items()
        if all(items.values()):
            catalog.update(items)
    return catalog


def _describe(entry: PoEntry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


def test_po_header_is_vietnamese_utf8_with_one_plural_form():
    header = po_header()
    assert header.get("Language") == "vi"
    assert header.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert header.get("Content-Type", "").lower().replace(" ", "") == "text/plain;charset=utf-8"
    header_entry = next(e for e in po_entries() if e.is_header)
    assert "fuzzy" not in header_entry.flags, "remove `#, fuzzy` from the header entry"


def test_every_entry_is_translated_and_not_fuzzy():
    entries = [e for e in po_entries() if not e.is_header]
    assert entries, f"no entries parsed from {PO_PATH}"
    fuzzy = [_describe(e) for e in entries if "fuzzy" in e.flags]
    empty = [_describe(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    problems = [f"fuzzy {d}" for d in fuzzy] + [f"untranslated {d}" for d in empty]
    assert not problems, "translate these in django.po, then compilemessages:\n" + "\n".join(problems)


_PLACEHOLDERS = {
    "python-format": re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcou%]"),
    "python-brace-format": re.compile(r"\{[^{}]*\}"),
}


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in po_entries():
        for flag, pattern in _PLACEHOLDERS.items():
            if entry.is_header or flag not in entry.flags:
                continue
            # One plural form in Vietnamese: it says what msgid_plural says.
            expected = sorted(pattern.findall(entry.msgid_plural or entry.msgid))
            wrong += [
                f"line {entry.line}: {text!r} should keep {expected}"
                for text in entry.msgstr.values()
                if text and sorted(pattern.findall(text)) != expected
            ]
    assert not wrong, "\n".join(wrong)


def test_committed_mo_matches_the_po():
    assert MO_PATH.exists(), "run `make messages` (compilemessages) and commit django.mo"
    mo = mo_catalog(MO_PATH)
    po = po_catalog()
    missing = sorted(str(k) for k in po.keys() - mo.keys())
    stale = sorted(str(k) for k in mo.keys() - po.keys())
    differ = sorted(str(k) for k in po.keys() & mo.keys() if po[k] != mo[k])
    problems = [f"missing from .mo: {k}" for k in missing] + [f"only in .mo: {k}" for k in stale]
    problems += [f"translated differently: {k}" for k in differ]
    assert not problems, (
        "django.mo is out of date: run `manage.py compilemessages` in donghanh/ and commit it\n" + "\n".join(problems)
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_committed_mo_matches_msgfmt_output(tmp_path: Path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mo_catalog(MO_PATH) == mo_catalog(compiled), (
        "django.mo differs from what msgfmt makes of django.po: run `manage.py compilemessages` in donghanh/"
    )


def test_django_serves_vietnamese_and_english():
    with translation.override("vi"):
        assert gettext("Log in") == "Đăng nhập"
        assert gettext("Your roles") == "Vai trò của bạn"
    with translation.override("en"):
        assert gettext("Log in") == "Log in"
        assert gettext("Your roles") == "Your roles"


def test_an_empty_choice_reads_in_vietnamese():
    from django import forms

    with translation.override("vi"):
        blank = forms.ModelChoiceField(queryset=None).empty_label  # type: ignore[arg-type]
        assert str(blank) == "— Chọn —"
    with translation.override("en"):
        assert str(blank) == "— Choose —"

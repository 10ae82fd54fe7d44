"""PDF files (the reports, a person's file, a data-subject export) and whether this machine can make them.

WeasyPrint lays text out with libraries of the system (GLib, Pango, HarfBuzz, fontconfig) and draws it in the
system's fonts. Without the libraries, importing it fails (OSError: cannot load library 'libpango-1.0-0'); without
the fonts the stylesheet names, Vietnamese text falls back to whatever font is there, if any. Either way a PDF asked
for would fail in the task worker. `pdf_unavailable()` looks for both, the way WeasyPrint will (the libraries loaded
by name, the fonts asked of fontconfig), without importing WeasyPrint (a second on every start); the answer is kept
for the life of the process. The report page then offers no PDF and says why, the PDF views answer 503, and
`manage.py check` (so `make run`) warns with the command that installs what is missing (core.W001).

`html_to_pdf` lays a document out, fetching nothing from outside (the fonts are the system's).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.utils.translation import gettext as _

# What WeasyPrint loads, by their names on Debian and Ubuntu (a name it cannot load is also looked for as the
# platform's loader names it: `ctypes.util.find_library`).
LIBRARIES: tuple[str, ...] = (
    "libgobject-2.0.so.0",
    "libpango-1.0.so.0",
    "libharfbuzz.so.0",
    "libfontconfig.so.1",
    "libpangoft2-1.0.so.0",
)
FONTCONFIG = "libfontconfig.so.1"
# The fonts the PDFs' stylesheets name, in their order (`reports/pdf/report.css`…); one of them is enough. Both draw
# every Vietnamese letter.
FONT_FAMILIES: tuple[str, ...] = ("DejaVu Sans", "Noto Sans")
# The Debian/Ubuntu packages of the libraries above (the others come with them) and of the first font.
INSTALL_COMMAND = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

_SONAME = re.compile(r"^lib(?P<stem>.+?)\.so(\.\d+)*$")


class PdfUnavailable(RuntimeError):
    """This machine cannot make a PDF; the message says why and what to install."""


@dataclass(frozen=True)
class Missing:
    """What this machine lacks to make a PDF: libraries by name, or any of the fonts."""

    libraries: tuple[str, ...] = ()
    fonts: tuple[str, ...] = ()


def _load(name: str) -> ctypes.CDLL | None:
    """The library `name` ("libpango-1.0.so.0"), or as the platform's loader names it ("libpango-1.0.dylib")."""
    try:
        return ctypes.CDLL(name)
    except OSError:
        pass
    match = _SONAME.match(name)
    found = ctypes.util.find_library(match["stem"] if match else name)
    if found is None:
        return None
    try:
        return ctypes.CDLL(found)
    except OSError:
        return None


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def _font_installed(fontconfig: ctypes.CDLL, config: int, family: str) -> bool:
    """Whether fontconfig knows a font of `family` (exactly that family, not a substitute)."""
    fontconfig.FcNameParse.restype = ctypes.c_void_p
    fontconfig.FcNameParse.argtypes = [ctypes.c_char_p]
    fontconfig.FcObjectSetBuild.restype = ctypes.c_void_p
    fontconfig.FcFontList.restype = ctypes.POINTER(_FontSet)
    fontconfig.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fontconfig.FcFontSetDestroy.argtypes = [ctypes.c_void_p]
    fontconfig.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    fontconfig.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    pattern = fontconfig.FcNameParse(family.replace("-", "\\-").encode())
    objects = fontconfig.FcObjectSetBuild(b"family", None)
    fonts = fontconfig.FcFontList(config, pattern, objects)
    try:
        return bool(fonts) and fonts.contents.nfont > 0
    finally:
        if fonts:
            fontconfig.FcFontSetDestroy(ctypes.cast(fonts, ctypes.c_void_p))
        fontconfig.FcObjectSetDestroy(objects)
        fontconfig.FcPatternDestroy(pattern)


@functools.cache
def missing_for_pdf(libraries: Sequence[str] = LIBRARIES, fonts: Sequence[str] = FONT_FAMILIES) -> Missing:
    """What of `libraries` does not load here, or, when they all do, `fonts` if fontconfig knows none of them.

    Kept for the life of the process: what is installed does not change under a running server."""
    absent = tuple(name for name in libraries if _load(name) is None)
    if absent:
        return Missing(libraries=absent)
    fontconfig = _load(FONTCONFIG)
    if fontconfig is None:
        return Missing(libraries=(FONTCONFIG,))
    fontconfig.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fontconfig.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        if any(_font_installed(fontconfig, config, family) for family in fonts):
            return Missing()
    finally:
        fontconfig.FcConfigDestroy(config)
    return Missing(fonts=tuple(fonts))


def pdf_unavailable() -> str | None:
    """None when this machine can make a PDF; otherwise why not and the command that installs what is missing, in
    the active language."""
    missing = missing_for_pdf(LIBRARIES, FONT_FAMILIES)
    if missing.libraries:
        return _(
            "PDF files cannot be made on this server: the system libraries %(libraries)s are missing. The system "
            "administrator installs them with: %(command)s"
        ) % {"libraries": ", ".join(missing.libraries), "command": INSTALL_COMMAND}
    if missing.fonts:
        return _(
            "PDF files cannot be made on this server: none of the fonts %(fonts)s is installed. The system "
            "administrator installs one with: %(command)s"
        ) % {"fonts": ", ".join(missing.fonts), "command": INSTALL_COMMAND}
    return None


def html_to_pdf(html: str, css: str) -> bytes:
    """`html` laid out with the stylesheet `css` as a PDF.

    Raises PdfUnavailable on a machine that cannot make one (`pdf_unavailable`, or a library failing to load)."""
    reason = pdf_unavailable()
    if reason is not None:
        raise PdfUnavailable(reason)
    try:
        from weasyprint import CSS, HTML  # imported when used: it loads Pango and fonts
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    try:
        content: bytes = HTML(string=html, url_fetcher=_offline()).write_pdf(
            stylesheets=[CSS(string=css, url_fetcher=_offline())]
        )
    except OSError as error:  # a system library found missing while laying out
        raise PdfUnavailable(str(error)) from error
    return content


@functools.cache
def _offline() -> Any:
    """A fetcher that fetches nothing: a document needs nothing from outside. Made once: making one loads the
    system's certificates."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


@register("core")
def pdf_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """`manage.py check` and the server's start warn when PDFs cannot be made here (not an error: the rest of the
    system works, and the workbooks are made)."""
    reason = pdf_unavailable()
    if reason is None:
        return []
    return [Warning(reason, hint=f"sudo {INSTALL_COMMAND}", id="core.W001")]

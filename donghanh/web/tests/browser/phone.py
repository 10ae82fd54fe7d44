"""A phone in the browser tests: its screen, whether a page scrolls sideways on it, and a folded part opened."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def expect_unfolded(panel: Locator) -> None:
    """Once its button is tapped, a folded part (a Bootstrap collapse: the menu, the filters) is open, not still
    unfolding: a tap inside it during the 350 ms it takes can be lost, as a person waits for it to open."""
    expect(panel).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def expect_folded(panel: Locator) -> None:
    """A folded part at rest: folded and not moving (while it moves it looks hidden at first, though it may open)."""
    expect(panel).to_have_class(re.compile(r"^(?!.*\bshow\b).*\bcollapse\b"))

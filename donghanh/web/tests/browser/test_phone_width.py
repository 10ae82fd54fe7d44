"""Every page each demo role can reach fits a 390 px phone: no sideways scrolling, no error status.

One test logs in as each demo account in turn on a 390×844 screen (with the demo key's code where the role needs a
second factor) and walks the site breadth first from the home page, following the same-origin links of each page,
the menu's included. Addresses are taken by shape: a person's page stands for every person's (ids become `{id}`),
and of the query strings of one path only the first is followed (`?page=2` stands for every page number and
filter). A page shape is checked once, for the first role that reaches it, except the hubs (`HUBS`: the home page,
the lists and the person's pages), which every role checks, since what they show there depends on the role. Files,
the API, logging out, the language switch and a GET that writes are never followed.

Each page must answer below 400 and the document must be no wider than the screen (1 px allowed). A failure lists
every offending page and, for each element that sticks out past the screen (not inside a box that scrolls), the
deepest one and its right edge, e.g. `span.visually-hidden right 557 px (inside table.table, right 557 px)`.

The rows come from the demo's writers, kept small: six people of Phú Thượng (`people_create`) then the demo's case
work, support, club and counselling point, and targets, so that the pages are not empty (a person's page with
measures, a work list with items, a club with members). Run it alone with
`make test-postgres PYTEST_ARGS='-n 0 -s donghanh/web/tests/browser/test_phone_width.py'`; `-s` prints the pages
walked per role and the time taken.
"""

from __future__ import annotations

import datetime
import random
import re
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page

from config.settings import base
from donghanh.accounts.models import User
from donghanh.core.dates import add_months_civil
from donghanh.core.periods import YEAR, period_of
from donghanh.demo import lifecycle
from donghanh.demo.casework import demo_casework_create
from donghanh.demo.communes import SEED, PeopleWriter, demo_communes
from donghanh.demo.community import demo_community_create
from donghanh.demo.reports import TARGETS
from donghanh.demo.second_factor import demo_second_factors_create, demo_totp_code
from donghanh.demo.support import demo_support_create
from donghanh.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.privacy.choices import RequestChannel, RequestKind
from donghanh.privacy.requests import request_record
from donghanh.reports.targets import target_set
from donghanh.web.tests.browser.phone import PHONE

# The commune officer reaches the most pages, so goes first; the others then check what only they reach.
ROLES = (
    "xa.phuthuong",
    "trunguong",
    "tinh.hanoi",
    "kiemtra.hanoi",
    "quantri",
    "congan.phuthuong",
    "yte.phuthuong",
    "tnv.phuthuong",
    "clb.phuthuong",
)
# Checked for every role, since what they show depends on the role most (sections, columns, buttons), and through
# them each role reaches the pages only it has. Any other page is checked once, for the first role that reaches it.
HUBS = {"/", "/people/", "/people/{id}/", "/casework/", "/casework/people/{id}/", "/support/people/{id}/"}
PAGES_PER_ROLE = 150  # a bound, should a link ever lead to endless new addresses
VARIANTS_PER_PATH = 2  # the bare path and one query string (a filter, a page number…)

# Never followed: leaving, the language switch, files, the API, and a GET that writes (a notification read).
SKIPPED = re.compile(
    r"^/(api|admin|static|media|i18n)/|/logout/|\.(xlsx|pdf|csv|json)$|/export|/file/$|/notifications/\d+/read/$"
)
DAY = datetime.timedelta(days=1)
CURRENT = OrgUnit.Era.CURRENT
ID = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE)

SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
# The elements whose right edge is past the screen and not inside a box that scrolls or clips: for each outermost
# one, its deepest descendant that sticks out too (what to fix is usually between the two).
OVERFLOW = """
() => {
  const doc = document.documentElement, limit = doc.clientWidth + 1;
  const found = {scroll: doc.scrollWidth, screen: doc.clientWidth, offenders: []};
  if (doc.scrollWidth <= limit) return found;
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    const classes = [...el.classList].slice(0, 3);
    if (classes.length) text += "." + classes.join(".");
    const testid = el.getAttribute("data-testid");
    if (testid) text += `[data-testid=${testid}]`;
    return text;
  };
  // Inside a box that scrolls or clips it: an absolutely positioned element escapes the boxes between it and its
  // containing block (a .visually-hidden column title in a .table-responsive that is not positioned).
  const contained = (el) => {
    let position = getComputedStyle(el).position;
    if (position === "fixed") return true;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      const holds = style.position !== "static" || style.transform !== "none";
      if (position === "absolute" && !holds) continue;
      if (style.overflowX !== "visible") return true;
      position = style.position;
      if (position === "fixed") return true;
    }
    return false;
  };
  const right = (el) => el.getBoundingClientRect().right;
  const over = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return (box.width || box.height) && box.right > limit && !contained(el);
  });
  const overSet = new Set(over);
  const outermost = over.filter((el) => {
    for (let up = el.parentElement; up; up = up.parentElement) if (overSet.has(up)) return false;
    return true;
  });
  for (const root of outermost.slice(0, 3)) {
    let deepest = root;
    for (const el of over) {
      if (root.contains(el) && el !== root) {
        const depth = (node) => { let n = 0; for (; node && node !== root; node = node.parentElement) n++; return n; };
        if (depth(el) > depth(deepest) || (depth(el) === depth(deepest) && right(el) > right(deepest))) deepest = el;
      }
    }
    found.offenders.push(
      `${name(deepest)} right ${Math.round(right(deepest))} px` +
      (deepest === root ? "" : ` (inside ${name(root)}, right ${Math.round(right(root))} px)`)
    );
  }
  return found;
}
"""


def people_create() -> None:
    """A few people of Phú Thượng, one along each path the pages show (far fewer than the demo's 86, which take
    minutes): back from a facility under post-rehab management, under drug-user management and reported using again,
    in a facility with their release announced, released without the post-rehab decision yet, moving to Hải Châu,
    young and under early intervention; and a request about their data."""
    phu_thuong, hai_chau = demo_communes()
    demo = PeopleWriter(random.Random(SEED), timezone.localdate())
    a, c = demo.ago, phu_thuong

    def new(registered: datetime.date, **options: Any) -> Person:
        person = demo.person(c, registered, **options)
        demo.drug_use(c, person)
        return person

    back = new(a(300))
    demo.rehab(c, back, EpisodeType.VOLUNTARY_FACILITY_REHAB, add_months_civil(a(40), -6), 6)
    demo.home(c, back, a(40))
    demo.health(c, back)
    managed = new(a(175))
    demo.test(c, managed, a(175), positive=True)
    demo.determine(c, managed, a(168), criteria=2)
    demo.measure(c, managed, EpisodeType.DRUG_USER_MANAGEMENT, a(150))
    demo.health(c, managed)
    lifecycle.relapse_reported(c, managed, a(3))
    for released, notice in ((a(-12), a(8)), (lifecycle.released_overdue_on(demo.today, a(12)), None)):
        person = new(add_months_civil(released, -6) - 70 * DAY)
        stay = demo.rehab(c, person, EpisodeType.VOLUNTARY_FACILITY_REHAB, add_months_civil(released, -6), 6,
                          keep_open=True)  # fmt: skip
        lifecycle.release_path(c, person, stay, released_on=released, notice_on=notice)
    moving = new(add_months_civil(a(95), -6) - 70 * DAY)
    demo.rehab(c, moving, EpisodeType.VOLUNTARY_FACILITY_REHAB, add_months_civil(a(95), -6), 6)
    demo.home(c, moving, a(95))
    lifecycle.move_proposed(c, moving, hai_chau, a(3))
    young = new(a(300), born=(2005, 2006))
    demo.measure(c, young, EpisodeType.EARLY_INTERVENTION, a(297))
    request_record(
        actor=c.officer, person=back, kind=RequestKind.ACCESS, received_on=a(2), channel=RequestChannel.IN_PERSON,
        details="Xin bản sao hồ sơ quản lý sau cai nghiện.",
    )  # fmt: skip
    lifecycle.relapses_settle(demo.today)


@pytest.fixture
def people_world(settings: Any, demo_world: Any) -> float:
    """The demo accounts (with the demo key where the role needs one), a few people with their case work and
    support, Phú Thượng's club and counselling point, and the targets: returns the seconds they took."""
    settings.MFA_REQUIRED_ROLES = list(base.MFA_REQUIRED_ROLES)
    started = time.perf_counter()
    with transaction.atomic():
        people_create()
        demo_casework_create()
        demo_support_create()
        demo_community_create(da_nang=False)
        for username, code, indicator, comparison, value, note in TARGETS:
            if not username.endswith(".danang"):  # Đà Nẵng's province officer is not made here
                target_set(
                    actor=User.objects.get(username=username), unit=OrgUnit.objects.get(era=CURRENT, code=code),
                    indicator=indicator, period=period_of(YEAR, timezone.localdate()).code, comparison=comparison,
                    value=value, note=note,
                )  # fmt: skip
        demo_second_factors_create([account.username for account in DEMO_ACCOUNTS])
    return time.perf_counter() - started


def shape(path: str) -> str:
    """/people/123/edit/ → /people/{id}/edit/: one page stands for all its kind."""
    return "/".join("{id}" if ID.match(part) else part for part in path.split("/"))


def too_wide(page: Page, where: str) -> str | None:
    """What sticks out of the screen on the page shown, once htmx has loaded its parts (the dashboard, the work
    count); None when it fits."""
    page.wait_for_function(SETTLED)
    found = page.evaluate(OVERFLOW)
    if found["scroll"] <= found["screen"] + 1:
        return None
    return (
        f"{where}: {found['scroll']} px wide on a {found['screen']} px screen: {'; '.join(found['offenders']) or '?'}"
    )


def log_in(page: Page, site: str, username: str) -> list[str]:
    """Log in through the form (and the second factor's, where the role has one); returns what did not fit there."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button").click()
    page.wait_for_load_state("load")
    problems = []
    if "/accounts/two-factor/verify/" in page.url:
        problems.append(too_wide(page, "/accounts/two-factor/verify/"))
        page.locator("input[name=code]").fill(demo_totp_code())
        page.get_by_test_id("second-factor-form").get_by_role("button").click()
        page.wait_for_load_state("load")
    assert "/accounts/" not in page.url, f"{username} is not logged in: {page.url}"
    return [problem for problem in problems if problem]


def links_of(page: Page, site: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)")
    return [href.split("#")[0] for href in hrefs if href.startswith(site)]


def walk(
    page: Page, site: str, checked: set[tuple[str, tuple[str, ...]]], start: str = "/"
) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from `start` not yet `checked` (the hubs always); returns the paths visited and
    the problems found."""
    queue: deque[str] = deque([f"{site}{start}"])
    seen: set[tuple[str, tuple[str, ...]]] = set()
    variants: dict[str, int] = {}
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        path_shape = shape(parts.path)
        key = (path_shape, tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})))
        if SKIPPED.search(parts.path) or key in seen or variants.get(path_shape, 0) >= VARIANTS_PER_PATH:
            continue
        if key in checked and not (path_shape in HUBS and not parts.query):
            continue
        seen.add(key)
        checked.add(key)
        variants[path_shape] = variants.get(path_shape, 0) + 1
        response = page.goto(url)
        where = url.removeprefix(site)
        visited.append(where)
        if response is None or response.status >= 400:
            problems.append(f"{where}: status {response.status if response else 'none'}")
            continue
        if problem := too_wide(page, where):
            problems.append(problem)
        queue.extend(links_of(page, site))
    return visited, problems


@pytest.mark.browser_context_args(**PHONE)
def test_every_page_of_every_role_fits_a_phone(page: Page, live_server: Any, people_world: float) -> None:
    site = str(live_server.url)
    checked: set[tuple[str, tuple[str, ...]]] = set()
    summary: list[str] = [f"people, case work, support and clubs made in {people_world:.1f} s"]
    started = time.perf_counter()
    visited, problems = walk(page, site, checked, start="/accounts/login/")  # before logging in
    summary.append(f"(not logged in): {len(visited)} pages in {time.perf_counter() - started:.1f} s")
    problems = [f"(not logged in) {problem}" for problem in problems]
    for username in ROLES:
        started = time.perf_counter()
        found = log_in(page, site, username)
        visited, more = walk(page, site, checked)
        summary.append(f"{username}: {len(visited)} pages in {time.perf_counter() - started:.1f} s")
        problems += [f"{username} {problem}" for problem in found + more]
    print("\n" + "\n".join(summary))  # seen with -s
    assert not problems, f"{len(problems)} page(s) do not fit a phone:\n" + "\n".join(problems)

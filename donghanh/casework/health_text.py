"""Which case-work free text concerns health, and what a reader without the health right sees instead.

Health data (HIV, mental health, treatment) is sensitive under Law 91/2025: only roles with
`Capability.VIEW_HEALTH` read it. Contact notes and next steps, plan notes, goals, their actions and
review notes are typed freely, so a volunteer may write "đi xét nghiệm HIV" as a next step. The case-work
services mark each record `health_related` when it is saved (a health topic, the health domain, or a
text that mentions health); pages and the API show such a record's texts only to roles with the health
right, log each time they do, and show `HEALTH_MASK` to everyone else.

Matching is by whole words or phrases, in two lists:

- `FOLDED_TERMS` are matched in the folded text (`core.text.fold`: no diacritics, lower case), so
  "xet nghiem HIV" typed on a phone without diacritics is found as well as "xét nghiệm HIV". Only terms
  whose folded form is not an everyday word are here: "lao" (tuberculosis) would also be "lao động"
  (labour), so the phrases "benh lao" and "lao phoi" stand for it.
- `EXACT_TERMS` keep their diacritics, for words whose folded form means something else: "tự tử"
  (suicide) folds to "tu tu", which is also "từ từ" (slowly); "thuốc" (medicine) folds to "thuoc",
  which is also "thuộc" (belongs to).

Drug use and drug tests are not health text here: they have their own right (`VIEW_DRUG_USE`), and
"cai nghiện" (rehab) is what every plan is about. A false positive only hides a text from a role that
does not need it; the list leans that way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from donghanh.casework.choices import PlanDomain, Topic
from donghanh.core.text import fold

HEALTH_MASK = _("health content — not shown")

# Contact topics that are health in themselves; a reader without the health right does not see them listed.
HEALTH_TOPICS = frozenset({Topic.HIV_PREVENTION, Topic.CRISIS})
HEALTH_DOMAINS = frozenset({PlanDomain.HEALTH})

FOLDED_TERMS = frozenset(
    {
        # HIV, AIDS and their prevention and treatment
        "hiv",
        "aids",
        "arv",
        "prep",
        "pep",
        "cd4",
        "tai luong virus",
        # opioid substitution and other treatment
        "methadone",
        "methadon",
        "buprenorphine",
        "dieu tri",
        "chua tri",
        "chua benh",
        "uong thuoc",
        "don thuoc",
        "cap thuoc",
        "thuoc an than",
        "qua lieu",
        # infections and illnesses
        "viem gan",
        "hbv",
        "hcv",
        "benh lao",
        "lao phoi",
        "giang mai",
        "benh",
        "om dau",
        "mang thai",
        "co thai",
        # mental health
        "tam than",
        "tram cam",
        "tam ly",
        "lo au",
        "hoang tuong",
        "ao giac",
        "tu sat",
        "tu hai",
        # care and examinations
        "suc khoe",
        "kham benh",
        "di kham",
        "tai kham",
        "xet nghiem mau",
        "tram y te",
        "bac si",
        "nhap vien",
        # the same in English
        "health",
        "mental",
        "treatment",
        "hepatitis",
        "tuberculosis",
        "suicide",
        "depression",
        "medication",
        "overdose",
    }
)
EXACT_TERMS = frozenset({"tự tử", "thuốc"})


def _words(text: str) -> str:
    """The text's words, each between single spaces, punctuation gone (so that phrases match whole words)."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", text).split()) + " "


def _exact(text: str) -> str:
    return _words(unicodedata.normalize("NFC", text).lower())


def mentions_health(*texts: str) -> bool:
    """Whether any of the texts mentions health (a term of `FOLDED_TERMS` or `EXACT_TERMS`, as whole words)."""
    for text in texts:
        if not text:
            continue
        folded = _words(fold(text))
        if any(f" {term} " in folded for term in FOLDED_TERMS):
            return True
        exact = _exact(text)
        if any(f" {term} " in exact for term in EXACT_TERMS):
            return True
    return False


def contact_concerns_health(topics: Iterable[str], notes: str, next_step: str) -> bool:
    return any(topic in HEALTH_TOPICS for topic in topics) or mentions_health(notes, next_step)


def goal_concerns_health(domain: str, goal: str, actions: str, review_notes: str) -> bool:
    return domain in HEALTH_DOMAINS or mentions_health(goal, actions, review_notes)


def without_health_topics(topics: Iterable[str]) -> list[str]:
    return [topic for topic in topics if topic not in HEALTH_TOPICS]

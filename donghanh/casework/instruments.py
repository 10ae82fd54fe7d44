"""Scoring of the standard screening instruments: WHO ASSIST v3.1 and BARC-10.

Pure functions and constants: nothing here touches the database, so forms, services, the API and
reports can all share one scoring rule.

WHO ASSIST v3.1 (Alcohol, Smoking and Substance Involvement Screening Test; WHO, *The ASSIST:
manual for use in primary care*, 2010). Answers are a plain mapping, as a form produces them::

    {"cannabis": {"q1": "yes", "q2": "weekly", "q3": "monthly", "q4": "once_twice", "q5": "never",
                  "q6": "yes_past_3_months", "q7": "no"}}

keyed by substance (`AssistSubstance`) and then by question "q1".."q7". Question 8 (injection) is
not asked per substance and is not scored: it is passed separately and reported as given.

Conventions, chosen here and relied on by the tests:

* A substance missing from the answers is taken as never used (Q1 "no"); a substance given with
  Q1 "no" must have no other answer. Only substances used in the person's life (Q1 "yes") appear
  in `AssistResult.scores`.
* An empty string is the same as a missing answer (what an unselected form field gives).
* Q5 is not asked for tobacco: an answer to it is refused, not ignored.
* When Q2 is "never", the manual skips Q3–Q5: they may be left out (they count 0) or answered
  "never"; any other answer is refused. Q6 and Q7 are still asked.

Validation messages are translatable (`gettext`), for a form to show them as they are.

BARC-10 (Brief Assessment of Recovery Capital; Vilsaint et al., *Drug and Alcohol Dependence*
177 (2017) 71–76): ten statements each answered 1 (strongly disagree) to 6 (strongly agree);
the total runs from 10 to 60, and 47 or more predicted sustained remission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# ---------------------------------------------------------------------------------------------
# WHO ASSIST v3.1
# ---------------------------------------------------------------------------------------------


class AssistSubstance(models.TextChoices):
    """The ten substance classes of the ASSIST, in the manual's order (a–j)."""

    TOBACCO = "tobacco", _("Tobacco products")
    ALCOHOL = "alcohol", _("Alcoholic beverages")
    CANNABIS = "cannabis", _("Cannabis")
    COCAINE = "cocaine", _("Cocaine")
    AMPHETAMINES = "amphetamines", _("Amphetamine-type stimulants")
    INHALANTS = "inhalants", _("Inhalants")
    SEDATIVES = "sedatives", _("Sedatives or sleeping pills")
    HALLUCINOGENS = "hallucinogens", _("Hallucinogens")
    OPIOIDS = "opioids", _("Opioids")
    OTHER = "other", _("Other")


class AssistFrequency(models.TextChoices):
    """The answers to Q2–Q5 (how often, in the past three months)."""

    NEVER = "never", _("Never")
    ONCE_TWICE = "once_twice", _("Once or twice")
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly")
    DAILY = "daily", _("Daily or almost daily")


class AssistRecency(models.TextChoices):
    """The answers to Q6, Q7 and Q8 (ever, and if so whether in the past three months)."""

    NO = "no", _("No, never")
    YES_PAST_3_MONTHS = "yes_past_3_months", _("Yes, in the past 3 months")
    YES_NOT_PAST_3_MONTHS = "yes_not_past_3_months", _("Yes, but not in the past 3 months")


class AssistRisk(models.TextChoices):
    """The risk band of a Specific Substance Involvement Score."""

    LOW = "low", _("Low risk")
    MODERATE = "moderate", _("Moderate risk")
    HIGH = "high", _("High risk")


# The examples the manual gives after each substance class, for a form's help text.
ASSIST_SUBSTANCE_EXAMPLES: Final[Mapping[str, StrOrPromise]] = {
    AssistSubstance.TOBACCO: _("cigarettes, chewing tobacco, cigars, etc."),
    AssistSubstance.ALCOHOL: _("beer, wine, spirits, etc."),
    AssistSubstance.CANNABIS: _("marijuana, pot, grass, hash, etc."),
    AssistSubstance.COCAINE: _("coke, crack, etc."),
    AssistSubstance.AMPHETAMINES: _("speed, diet pills, ecstasy, etc."),
    AssistSubstance.INHALANTS: _("nitrous, glue, petrol, paint thinner, etc."),
    AssistSubstance.SEDATIVES: _("Valium, Serepax, Rohypnol, etc."),
    AssistSubstance.HALLUCINOGENS: _("LSD, acid, mushrooms, PCP, Special K, etc."),
    AssistSubstance.OPIOIDS: _("heroin, morphine, methadone, codeine, etc."),
    AssistSubstance.OTHER: _("specify"),
}

ASSIST_SUBSTANCES: Final[tuple[tuple[str, StrOrPromise], ...]] = tuple(
    (substance.value, substance.label) for substance in AssistSubstance
)
ASSIST_LIFETIME_OPTIONS: Final[tuple[tuple[str, StrOrPromise], ...]] = (("no", _("No")), ("yes", _("Yes")))
ASSIST_FREQUENCY_OPTIONS: Final[tuple[tuple[str, StrOrPromise], ...]] = tuple(
    (option.value, option.label) for option in AssistFrequency
)
ASSIST_CONCERN_OPTIONS: Final[tuple[tuple[str, StrOrPromise], ...]] = tuple(
    (option.value, option.label) for option in AssistRecency
)
# Q8 has the same three answers as Q6 and Q7.
ASSIST_INJECTION_OPTIONS: Final[tuple[tuple[str, StrOrPromise], ...]] = ASSIST_CONCERN_OPTIONS
ASSIST_RISK_LEVELS: Final[tuple[tuple[str, StrOrPromise], ...]] = tuple(
    (level.value, level.label) for level in AssistRisk
)

# The questions, worded for one substance at a time ("this substance" stands for the manual's
# "(first drug, second drug, etc.)").
ASSIST_QUESTIONS: Final[tuple[tuple[str, StrOrPromise], ...]] = (
    ("q1", _("In your life, have you ever used this substance? (non-medical use only)")),
    ("q2", _("In the past three months, how often have you used this substance?")),
    ("q3", _("During the past three months, how often have you had a strong desire or urge to use this substance?")),
    (
        "q4",
        _(
            "During the past three months, how often has your use of this substance led to health, social, legal "
            "or financial problems?"
        ),
    ),
    (
        "q5",
        _(
            "During the past three months, how often have you failed to do what was normally expected of you "
            "because of your use of this substance?"
        ),
    ),
    ("q6", _("Has a friend or relative or anyone else ever expressed concern about your use of this substance?")),
    ("q7", _("Have you ever tried and failed to control, cut down or stop using this substance?")),
    ("q8", _("Have you ever used any drug by injection? (non-medical use only)")),
)

# The questions asked for each substance, and those of them that count towards its score.
ASSIST_SUBSTANCE_QUESTIONS: Final[tuple[str, ...]] = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")
ASSIST_SCORED_QUESTIONS: Final[tuple[str, ...]] = ("q2", "q3", "q4", "q5", "q6", "q7")
# Skipped by the manual when Q2 is "never".
ASSIST_SKIPPED_IF_NEVER_USED_RECENTLY: Final[frozenset[str]] = frozenset({"q3", "q4", "q5"})
# Not asked at all for some substances.
ASSIST_NOT_ASKED: Final[Mapping[str, frozenset[str]]] = {AssistSubstance.TOBACCO: frozenset({"q5"})}

ASSIST_QUESTION_OPTIONS: Final[Mapping[str, tuple[tuple[str, StrOrPromise], ...]]] = {
    "q1": ASSIST_LIFETIME_OPTIONS,
    "q2": ASSIST_FREQUENCY_OPTIONS,
    "q3": ASSIST_FREQUENCY_OPTIONS,
    "q4": ASSIST_FREQUENCY_OPTIONS,
    "q5": ASSIST_FREQUENCY_OPTIONS,
    "q6": ASSIST_CONCERN_OPTIONS,
    "q7": ASSIST_CONCERN_OPTIONS,
    "q8": ASSIST_INJECTION_OPTIONS,
}

# The official item weights (ASSIST v3.1 answer sheet): question -> answer -> points.
ASSIST_WEIGHTS: Final[Mapping[str, Mapping[str, int]]] = {
    "q2": {"never": 0, "once_twice": 2, "monthly": 3, "weekly": 4, "daily": 6},
    "q3": {"never": 0, "once_twice": 3, "monthly": 4, "weekly": 5, "daily": 6},
    "q4": {"never": 0, "once_twice": 4, "monthly": 5, "weekly": 6, "daily": 7},
    "q5": {"never": 0, "once_twice": 5, "monthly": 6, "weekly": 7, "daily": 8},
    "q6": {"no": 0, "yes_past_3_months": 6, "yes_not_past_3_months": 3},
    "q7": {"no": 0, "yes_past_3_months": 6, "yes_not_past_3_months": 3},
}


def _max_score(substance: str) -> int:
    not_asked = ASSIST_NOT_ASKED.get(substance, frozenset())
    return sum(
        max(ASSIST_WEIGHTS[question].values()) for question in ASSIST_SCORED_QUESTIONS if question not in not_asked
    )


# Highest possible score: 31 for tobacco (no Q5), 39 for every other substance.
ASSIST_MAX_SCORES: Final[Mapping[str, int]] = {substance.value: _max_score(substance) for substance in AssistSubstance}

# Lowest score of the moderate band and of the high band: alcohol 0–10 low, 11–26 moderate,
# 27+ high; every other substance 0–3 low, 4–26 moderate, 27+ high.
ASSIST_RISK_CUTOFFS: Final[Mapping[str, tuple[int, int]]] = {
    substance.value: (11, 27) if substance == AssistSubstance.ALCOHOL else (4, 27) for substance in AssistSubstance
}


@dataclass(frozen=True)
class AssistSubstanceScore:
    """The Specific Substance Involvement Score of one substance, and its risk band."""

    substance: AssistSubstance
    score: int
    risk: AssistRisk

    @property
    def max_score(self) -> int:
        return ASSIST_MAX_SCORES[self.substance]


@dataclass(frozen=True)
class AssistResult:
    """The scores of one ASSIST administration.

    `scores` holds the substances used in the person's life (Q1 "yes"), in the manual's order,
    keyed by substance value; `injection` is the answer to Q8, or None when it was not recorded.
    """

    scores: Mapping[str, AssistSubstanceScore]
    injection: AssistRecency | None

    @property
    def highest_score(self) -> int:
        """The highest substance score; 0 when no substance was ever used."""
        return max((entry.score for entry in self.scores.values()), default=0)

    def score_map(self) -> dict[str, int]:
        """Substance value -> score, as kept in a JSON field."""
        return {substance: entry.score for substance, entry in self.scores.items()}


def assist_risk(substance: str, score: int) -> AssistRisk:
    """The risk band of `score` for `substance`; ValueError for an unknown substance or an impossible score."""
    if substance not in ASSIST_RISK_CUTOFFS:
        raise ValueError(f"unknown ASSIST substance: {substance!r}")
    if not 0 <= score <= ASSIST_MAX_SCORES[substance]:
        raise ValueError(f"ASSIST score for {substance} must be 0 to {ASSIST_MAX_SCORES[substance]}, got {score}")
    moderate_from, high_from = ASSIST_RISK_CUTOFFS[substance]
    if score >= high_from:
        return AssistRisk.HIGH
    if score >= moderate_from:
        return AssistRisk.MODERATE
    return AssistRisk.LOW


def _answered(value: object) -> bool:
    return value is not None and value != ""


def _check_option(messages: list[str], label: StrOrPromise, question: str, value: object) -> bool:
    """Whether `value` is one of the answers of `question`; adds a message when not."""
    options = {key for key, _label in ASSIST_QUESTION_OPTIONS[question]}
    if isinstance(value, str) and value in options:
        return True
    messages.append(
        gettext("%(substance)s: “%(value)s” is not an answer to question %(number)s.")
        % {"substance": label, "value": value, "number": question[1:]}
    )
    return False


def _validate_substance(substance: AssistSubstance, given: Mapping[str, str]) -> list[str]:
    label = substance.label
    messages: list[str] = []
    for question in given:
        if question not in ASSIST_SUBSTANCE_QUESTIONS:
            messages.append(
                gettext("%(substance)s: unknown question “%(question)s”.") % {"substance": label, "question": question}
            )
    answered = {
        question: value
        for question, value in given.items()
        if question in ASSIST_SUBSTANCE_QUESTIONS and _answered(value)
    }
    valid: dict[str, str] = {}
    for question, value in answered.items():
        if _check_option(messages, label, question, value):
            valid[question] = value
    if "q1" not in answered:
        messages.append(gettext("%(substance)s: answer question 1.") % {"substance": label})
        return messages
    if "q1" not in valid:
        return messages
    if valid["q1"] == "no":
        if any(question != "q1" for question in answered):
            messages.append(
                gettext("%(substance)s: never used, so questions 2 to 7 are not asked.") % {"substance": label}
            )
        return messages

    not_asked = ASSIST_NOT_ASKED.get(substance, frozenset())
    for question in sorted(not_asked & answered.keys()):
        messages.append(
            gettext("%(substance)s: question %(number)s is not asked for this substance.")
            % {"substance": label, "number": question[1:]}
        )
    recent_use = valid.get("q2")
    for question in ASSIST_SCORED_QUESTIONS:
        if question in not_asked:
            continue
        skipped = recent_use == AssistFrequency.NEVER and question in ASSIST_SKIPPED_IF_NEVER_USED_RECENTLY
        if skipped:
            if valid.get(question, AssistFrequency.NEVER) != AssistFrequency.NEVER:
                messages.append(
                    gettext("%(substance)s: not used in the past three months, so question %(number)s is not asked.")
                    % {"substance": label, "number": question[1:]}
                )
        elif question not in answered:
            # Q3–Q5 cannot be judged until Q2 is known; only ask for them once Q2 is valid.
            if question in ASSIST_SKIPPED_IF_NEVER_USED_RECENTLY and recent_use is None:
                continue
            messages.append(
                gettext("%(substance)s: answer question %(number)s.") % {"substance": label, "number": question[1:]}
            )
    return messages


def validate_assist(answers: Mapping[str, Mapping[str, str]], injection: str | None = None) -> list[str]:
    """What is wrong with these ASSIST answers; an empty list when they can be scored.

    Refuses unknown substances, questions and answers; asks for Q1 of every substance given, and,
    when Q1 is "yes", for Q2–Q7 (not Q5 for tobacco; not Q3–Q5 when Q2 is "never"). `injection`
    (Q8) may be None or "" when not recorded.
    """
    messages: list[str] = []
    known = {substance.value: substance for substance in AssistSubstance}
    if not isinstance(answers, Mapping):  # answers arriving as JSON may have any shape
        return [gettext("ASSIST answers are an object of substances, each an object of answers.")]
    for key, given in answers.items():
        if key not in known:
            messages.append(gettext("Unknown substance “%(key)s”.") % {"key": key})
            continue
        if not isinstance(given, Mapping):
            messages.append(gettext("ASSIST answers are an object of substances, each an object of answers."))
            continue
        messages.extend(_validate_substance(known[key], given))
    if _answered(injection) and injection not in AssistRecency.values:
        messages.append(gettext("“%(value)s” is not an answer to question 8.") % {"value": injection})
    return messages


def assist_score(answers: Mapping[str, Mapping[str, str]], injection: str | None = None) -> AssistResult:
    """Score an ASSIST administration; ValueError, listing every problem, when the answers are not valid.

    Each substance used in the person's life (Q1 "yes") gets its Specific Substance Involvement
    Score, the sum of the weights of its answers to Q2–Q7 (Q5 left out for tobacco; Q3–Q5 counting
    0 when skipped after Q2 "never"), and the risk band of that score.
    """
    messages = validate_assist(answers, injection)
    if messages:
        raise ValueError(" ".join(messages))
    scores: dict[str, AssistSubstanceScore] = {}
    for substance in AssistSubstance:
        given = answers.get(substance.value, {})
        if given.get("q1") != "yes":
            continue
        total = sum(
            ASSIST_WEIGHTS[question][given[question]]
            for question in ASSIST_SCORED_QUESTIONS
            if _answered(given.get(question))
        )
        scores[substance.value] = AssistSubstanceScore(
            substance=substance, score=total, risk=assist_risk(substance.value, total)
        )
    return AssistResult(scores=scores, injection=AssistRecency(injection) if injection else None)


# ---------------------------------------------------------------------------------------------
# BARC-10
# ---------------------------------------------------------------------------------------------

BARC10_ITEMS: Final[tuple[StrOrPromise, ...]] = (
    _("There are more important things to me in life than using substances."),
    _("In general I am happy with my life."),
    _("I have enough energy to complete the tasks I set myself."),
    _("I am proud of the community I live in and feel part of it."),
    _("I get lots of support from friends."),
    _("I regard my life as challenging and fulfilling without the need for using drugs or alcohol."),
    _("My living space has helped to drive my recovery journey."),
    _("I take full responsibility for my actions."),
    _("I am happy dealing with a range of professional people."),
    _("I am making good progress on my recovery journey."),
)
BARC10_ANSWER_OPTIONS: Final[tuple[tuple[int, StrOrPromise], ...]] = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Somewhat disagree")),
    (4, _("Somewhat agree")),
    (5, _("Agree")),
    (6, _("Strongly agree")),
)
BARC10_ITEM_COUNT: Final = 10
BARC10_MIN_ANSWER: Final = 1
BARC10_MAX_ANSWER: Final = 6
BARC10_MIN_TOTAL: Final = BARC10_ITEM_COUNT * BARC10_MIN_ANSWER
BARC10_MAX_TOTAL: Final = BARC10_ITEM_COUNT * BARC10_MAX_ANSWER
# A total of 47 or more predicted sustained remission (Vilsaint et al. 2017).
BARC10_REMISSION_THRESHOLD: Final = 47


def validate_barc10(items: Sequence[int]) -> list[str]:
    """What is wrong with these BARC-10 answers: exactly 10 whole numbers from 1 to 6, in item order."""
    if isinstance(items, str | bytes):
        return [gettext("BARC-10 answers must be a list of 10 numbers.")]
    messages: list[str] = []
    if len(items) != BARC10_ITEM_COUNT:
        messages.append(gettext("BARC-10 has 10 items; %(count)s answers were given.") % {"count": len(items)})
    for number, value in enumerate(items, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not BARC10_MIN_ANSWER <= value <= BARC10_MAX_ANSWER:
            messages.append(
                gettext("BARC-10 item %(number)s must be a whole number from 1 to 6, not “%(value)s”.")
                % {"number": number, "value": value}
            )
    return messages


def barc10_score(items: Sequence[int]) -> int:
    """The BARC-10 total (10–60); ValueError, naming each bad item, unless given 10 answers from 1 to 6."""
    messages = validate_barc10(items)
    if messages:
        raise ValueError(" ".join(messages))
    return sum(items)


def barc10_meets_remission_threshold(total: int) -> bool:
    """Whether a BARC-10 total reaches the cut-off (47) that predicted sustained remission."""
    if isinstance(total, bool) or not BARC10_MIN_TOTAL <= total <= BARC10_MAX_TOTAL:
        raise ValueError(f"BARC-10 total must be {BARC10_MIN_TOTAL} to {BARC10_MAX_TOTAL}, got {total}")
    return total >= BARC10_REMISSION_THRESHOLD

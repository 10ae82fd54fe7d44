"""Scoring of WHO ASSIST v3.1 and BARC-10: worked examples checked by hand against the manuals.

Weights used in the comments (ASSIST v3.1 answer sheet):
Q2 never 0, once/twice 2, monthly 3, weekly 4, daily 6; Q3 0/3/4/5/6; Q4 0/4/5/6/7; Q5 0/5/6/7/8;
Q6, Q7 no 0, yes in the past 3 months 6, yes but not in the past 3 months 3.
"""

from collections.abc import Iterator

import pytest
from django.utils import translation

from donghanh.casework.instruments import (
    ASSIST_CONCERN_OPTIONS,
    ASSIST_FREQUENCY_OPTIONS,
    ASSIST_MAX_SCORES,
    ASSIST_QUESTION_OPTIONS,
    ASSIST_QUESTIONS,
    ASSIST_SUBSTANCE_EXAMPLES,
    ASSIST_SUBSTANCES,
    ASSIST_WEIGHTS,
    BARC10_ANSWER_OPTIONS,
    BARC10_ITEMS,
    BARC10_REMISSION_THRESHOLD,
    AssistRecency,
    AssistRisk,
    AssistSubstance,
    assist_risk,
    assist_score,
    barc10_meets_remission_threshold,
    barc10_score,
    validate_assist,
    validate_barc10,
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are translatable; the assertions below read the English ones."""
    with translation.override("en"):
        yield


def used(q2: str, q3: str, q4: str, q5: str | None, q6: str, q7: str) -> dict[str, str]:
    """One substance's answers with Q1 "yes"; q5=None leaves Q5 out (tobacco)."""
    answers = {"q1": "yes", "q2": q2, "q3": q3, "q4": q4, "q6": q6, "q7": q7}
    if q5 is not None:
        answers["q5"] = q5
    return answers


# --- ASSIST: the published tables ------------------------------------------------------------


def test_weights_are_the_official_ones():
    assert ASSIST_WEIGHTS == {
        "q2": {"never": 0, "once_twice": 2, "monthly": 3, "weekly": 4, "daily": 6},
        "q3": {"never": 0, "once_twice": 3, "monthly": 4, "weekly": 5, "daily": 6},
        "q4": {"never": 0, "once_twice": 4, "monthly": 5, "weekly": 6, "daily": 7},
        "q5": {"never": 0, "once_twice": 5, "monthly": 6, "weekly": 7, "daily": 8},
        "q6": {"no": 0, "yes_past_3_months": 6, "yes_not_past_3_months": 3},
        "q7": {"no": 0, "yes_past_3_months": 6, "yes_not_past_3_months": 3},
    }


def test_max_scores():
    # Tobacco: 6 + 6 + 7 + 6 + 6 = 31 (no Q5); the others add Q5's 8: 39.
    assert ASSIST_MAX_SCORES == {
        "tobacco": 31,
        "alcohol": 39,
        "cannabis": 39,
        "cocaine": 39,
        "amphetamines": 39,
        "inhalants": 39,
        "sedatives": 39,
        "hallucinogens": 39,
        "opioids": 39,
        "other": 39,
    }


def test_option_lists_for_forms():
    assert [key for key, _label in ASSIST_SUBSTANCES] == [
        "tobacco",
        "alcohol",
        "cannabis",
        "cocaine",
        "amphetamines",
        "inhalants",
        "sedatives",
        "hallucinogens",
        "opioids",
        "other",
    ]
    assert [key for key, _label in ASSIST_FREQUENCY_OPTIONS] == ["never", "once_twice", "monthly", "weekly", "daily"]
    assert [key for key, _label in ASSIST_CONCERN_OPTIONS] == ["no", "yes_past_3_months", "yes_not_past_3_months"]
    assert [key for key, _label in ASSIST_QUESTIONS] == ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]
    assert set(ASSIST_QUESTION_OPTIONS) == {"q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"}
    assert set(ASSIST_SUBSTANCE_EXAMPLES) == {key for key, _label in ASSIST_SUBSTANCES}
    assert str(dict(ASSIST_FREQUENCY_OPTIONS)["daily"]) == "Daily or almost daily"
    assert str(AssistRisk.MODERATE.label) == "Moderate risk"


# --- ASSIST: scores --------------------------------------------------------------------------


def test_cannabis_worked_example():
    # Q2 weekly 4 + Q3 monthly 4 + Q4 once/twice 4 + Q5 never 0 + Q6 yes past 3 months 6 + Q7 no 0 = 18.
    result = assist_score({"cannabis": used("weekly", "monthly", "once_twice", "never", "yes_past_3_months", "no")})
    entry = result.scores["cannabis"]
    assert entry.substance == AssistSubstance.CANNABIS
    assert entry.score == 18
    assert entry.risk == AssistRisk.MODERATE
    assert entry.max_score == 39


@pytest.mark.parametrize(
    ("answers", "score", "risk"),
    [
        # weekly 4 + once/twice 3 + 0 + 0 + yes not past 3 months 3 + no 0 = 10: the top of "low".
        (("weekly", "once_twice", "never", "never", "yes_not_past_3_months", "no"), 10, AssistRisk.LOW),
        # weekly 4 + monthly 4 + 0 + 0 + 3 + 0 = 11: the bottom of "moderate".
        (("weekly", "monthly", "never", "never", "yes_not_past_3_months", "no"), 11, AssistRisk.MODERATE),
        # daily 6 + daily 6 + monthly 5 + never 0 + 6 + yes not past 3 months 3 = 26: the top of "moderate".
        (("daily", "daily", "monthly", "never", "yes_past_3_months", "yes_not_past_3_months"), 26, AssistRisk.MODERATE),
        # daily 6 + daily 6 + weekly 6 + never 0 + 6 + 3 = 27: the bottom of "high".
        (("daily", "daily", "weekly", "never", "yes_past_3_months", "yes_not_past_3_months"), 27, AssistRisk.HIGH),
    ],
)
def test_alcohol_bands(answers, score, risk):
    entry = assist_score({"alcohol": used(*answers)}).scores["alcohol"]
    assert (entry.score, entry.risk) == (score, risk)


@pytest.mark.parametrize(
    ("answers", "score", "risk"),
    [
        # monthly 3, nothing else: 3, the top of "low".
        (("monthly", "never", "never", "never", "no", "no"), 3, AssistRisk.LOW),
        # weekly 4, nothing else: 4, the bottom of "moderate".
        (("weekly", "never", "never", "never", "no", "no"), 4, AssistRisk.MODERATE),
        # 6 + 6 + 5 + 0 + 6 + 3 = 26.
        (("daily", "daily", "monthly", "never", "yes_past_3_months", "yes_not_past_3_months"), 26, AssistRisk.MODERATE),
        # 6 + 6 + 6 + 0 + 6 + 3 = 27.
        (("daily", "daily", "weekly", "never", "yes_past_3_months", "yes_not_past_3_months"), 27, AssistRisk.HIGH),
    ],
)
def test_cannabis_bands(answers, score, risk):
    entry = assist_score({"cannabis": used(*answers)}).scores["cannabis"]
    assert (entry.score, entry.risk) == (score, risk)


def test_alcohol_has_a_wider_low_band_than_other_substances():
    # 4 + 4 + 0 + 0 + 3 + 0 = 11 for both.
    answers = used("weekly", "monthly", "never", "never", "yes_not_past_3_months", "no")
    result = assist_score({"alcohol": answers, "cannabis": answers})
    assert result.scores["alcohol"].score == result.scores["cannabis"].score == 11
    assert result.scores["alcohol"].risk == AssistRisk.MODERATE
    assert result.scores["cannabis"].risk == AssistRisk.MODERATE
    # 3 + 4 + 0 + 0 + 3 + 0 = 10: low for alcohol, moderate for cannabis.
    answers = used("monthly", "monthly", "never", "never", "yes_not_past_3_months", "no")
    result = assist_score({"alcohol": answers, "cannabis": answers})
    assert result.scores["alcohol"].score == result.scores["cannabis"].score == 10
    assert result.scores["alcohol"].risk == AssistRisk.LOW
    assert result.scores["cannabis"].risk == AssistRisk.MODERATE


def test_tobacco_has_no_q5_and_tops_out_at_31():
    # daily 6 + daily 6 + daily 7 + (no Q5) + 6 + 6 = 31.
    result = assist_score({"tobacco": used("daily", "daily", "daily", None, "yes_past_3_months", "yes_past_3_months")})
    entry = result.scores["tobacco"]
    assert (entry.score, entry.risk, entry.max_score) == (31, AssistRisk.HIGH, 31)


def test_every_answer_at_its_highest_gives_39():
    # 6 + 6 + 7 + 8 + 6 + 6 = 39.
    highest = used("daily", "daily", "daily", "daily", "yes_past_3_months", "yes_past_3_months")
    result = assist_score({"opioids": highest, "amphetamines": highest})
    assert [(entry.score, entry.risk) for entry in result.scores.values()] == [
        (39, AssistRisk.HIGH),
        (39, AssistRisk.HIGH),
    ]


def test_not_used_recently_skips_q3_to_q5_but_still_counts_q6_and_q7():
    # Q2 never 0, Q3–Q5 skipped (0), Q6 yes but not in the past 3 months 3, Q7 no 0 = 3.
    answers = {"q1": "yes", "q2": "never", "q6": "yes_not_past_3_months", "q7": "no"}
    result = assist_score({"cannabis": answers, "alcohol": answers})
    assert (result.scores["cannabis"].score, result.scores["cannabis"].risk) == (3, AssistRisk.LOW)
    assert (result.scores["alcohol"].score, result.scores["alcohol"].risk) == (3, AssistRisk.LOW)


def test_not_used_recently_accepts_q3_to_q5_answered_never():
    answers = {"q1": "yes", "q2": "never", "q3": "never", "q4": "never", "q5": "never", "q6": "no", "q7": "no"}
    entry = assist_score({"sedatives": answers}).scores["sedatives"]
    assert (entry.score, entry.risk) == (0, AssistRisk.LOW)


def test_only_substances_ever_used_are_scored_in_the_manuals_order():
    result = assist_score(
        {
            # 2 + 0 + 0 + 0 + 0 + 0 = 2.
            "opioids": used("once_twice", "never", "never", "never", "no", "no"),
            "alcohol": {"q1": "no"},
            # 4 + 5 + 0 + 0 + 0 + 0 = 9 (Q5 not asked).
            "tobacco": used("weekly", "weekly", "never", None, "no", "no"),
            "cannabis": {"q1": "no", "q2": "", "q6": ""},
        }
    )
    assert result.score_map() == {"tobacco": 9, "opioids": 2}
    assert list(result.scores) == ["tobacco", "opioids"]
    assert result.highest_score == 9
    assert result.injection is None


def test_no_substance_ever_used():
    result = assist_score({})
    assert result.scores == {}
    assert result.highest_score == 0
    assert result.score_map() == {}


def test_injection_is_reported_not_scored():
    answers = {"opioids": used("daily", "daily", "never", "never", "no", "no")}
    plain = assist_score(answers)
    injected = assist_score(answers, injection="yes_past_3_months")
    assert injected.injection == AssistRecency.YES_PAST_3_MONTHS
    # 6 + 6 = 12 either way.
    assert plain.scores["opioids"].score == injected.scores["opioids"].score == 12
    assert assist_score(answers, injection="").injection is None
    assert assist_score(answers, injection="no").injection == AssistRecency.NO


@pytest.mark.parametrize(
    ("substance", "score", "risk"),
    [
        ("alcohol", 0, AssistRisk.LOW),
        ("alcohol", 10, AssistRisk.LOW),
        ("alcohol", 11, AssistRisk.MODERATE),
        ("alcohol", 26, AssistRisk.MODERATE),
        ("alcohol", 27, AssistRisk.HIGH),
        ("alcohol", 39, AssistRisk.HIGH),
        ("cannabis", 3, AssistRisk.LOW),
        ("cannabis", 4, AssistRisk.MODERATE),
        ("cannabis", 26, AssistRisk.MODERATE),
        ("cannabis", 27, AssistRisk.HIGH),
        ("tobacco", 3, AssistRisk.LOW),
        ("tobacco", 4, AssistRisk.MODERATE),
        ("tobacco", 31, AssistRisk.HIGH),
        ("other", 4, AssistRisk.MODERATE),
    ],
)
def test_assist_risk(substance, score, risk):
    assert assist_risk(substance, score) == risk


@pytest.mark.parametrize(("substance", "score"), [("tobacco", 32), ("alcohol", 40), ("alcohol", -1), ("ketamine", 5)])
def test_assist_risk_refuses_impossible_scores(substance, score):
    with pytest.raises(ValueError, match=r"ASSIST"):
        assist_risk(substance, score)


# --- ASSIST: validation ----------------------------------------------------------------------


def test_valid_answers_have_no_messages():
    answers = {"cannabis": used("weekly", "monthly", "once_twice", "never", "yes_past_3_months", "no")}
    assert validate_assist(answers, injection="no") == []


def test_unknown_option_is_refused():
    answers = {"cannabis": used("weekly", "sometimes", "once_twice", "never", "no", "no")}
    assert validate_assist(answers) == ["Cannabis: “sometimes” is not an answer to question 3."]
    with pytest.raises(ValueError, match="“sometimes” is not an answer to question 3"):
        assist_score(answers)


def test_answer_of_another_question_is_refused():
    # "yes_past_3_months" answers Q6–Q8, not Q2.
    answers = {"alcohol": used("yes_past_3_months", "never", "never", "never", "no", "no")}
    assert validate_assist(answers) == ["Alcoholic beverages: “yes_past_3_months” is not an answer to question 2."]


def test_unknown_substance_and_question_are_refused():
    messages = validate_assist(
        {
            "ketamine": {"q1": "yes"},
            "cannabis": {**used("never", "never", "never", "never", "no", "no"), "q9": "no", "q8": "no"},
        }
    )
    assert messages == [
        "Unknown substance “ketamine”.",
        "Cannabis: unknown question “q9”.",
        "Cannabis: unknown question “q8”.",
    ]


def test_missing_q4_after_weekly_use_is_refused():
    answers = {"cannabis": used("weekly", "monthly", "never", "never", "no", "no")}
    del answers["cannabis"]["q4"]
    assert validate_assist(answers) == ["Cannabis: answer question 4."]
    with pytest.raises(ValueError, match="answer question 4"):
        assist_score(answers)


def test_empty_answer_counts_as_missing():
    answers = {"cannabis": {**used("weekly", "monthly", "never", "never", "no", "no"), "q7": ""}}
    assert validate_assist(answers) == ["Cannabis: answer question 7."]


def test_q6_and_q7_are_required_even_when_not_used_recently():
    assert validate_assist({"cocaine": {"q1": "yes", "q2": "never"}}) == [
        "Cocaine: answer question 6.",
        "Cocaine: answer question 7.",
    ]


def test_missing_q2_asks_for_q2_but_not_yet_q3_to_q5():
    assert validate_assist({"inhalants": {"q1": "yes", "q6": "no", "q7": "no"}}) == ["Inhalants: answer question 2."]


def test_q3_to_q5_beyond_never_are_refused_when_not_used_recently():
    answers = {"cannabis": {"q1": "yes", "q2": "never", "q3": "daily", "q5": "never", "q6": "no", "q7": "no"}}
    assert validate_assist(answers) == [
        "Cannabis: not used in the past three months, so question 3 is not asked.",
    ]


def test_q5_for_tobacco_is_refused():
    # The manual does not ask Q5 for tobacco; an answer to it is refused, not silently ignored.
    answers = {"tobacco": used("daily", "daily", "daily", "never", "no", "no")}
    assert validate_assist(answers) == ["Tobacco products: question 5 is not asked for this substance."]
    with pytest.raises(ValueError, match="question 5 is not asked"):
        assist_score(answers)


def test_q1_is_required_for_each_substance_given():
    assert validate_assist({"opioids": {"q2": "daily"}}) == ["Opioids: answer question 1."]
    assert validate_assist({"opioids": {"q1": "maybe"}}) == ["Opioids: “maybe” is not an answer to question 1."]


def test_answers_for_a_substance_never_used_are_refused():
    assert validate_assist({"hallucinogens": {"q1": "no", "q2": "weekly"}}) == [
        "Hallucinogens: never used, so questions 2 to 7 are not asked."
    ]


def test_unknown_injection_answer_is_refused():
    assert validate_assist({}, injection="yes") == ["“yes” is not an answer to question 8."]
    with pytest.raises(ValueError, match="question 8"):
        assist_score({}, injection="yes")


def test_all_problems_are_listed_together():
    answers = {
        "tobacco": used("daily", "daily", "daily", "never", "no", "no"),
        "alcohol": {"q1": "yes", "q2": "weekly", "q6": "no", "q7": "no"},
    }
    assert validate_assist(answers) == [
        "Tobacco products: question 5 is not asked for this substance.",
        "Alcoholic beverages: answer question 3.",
        "Alcoholic beverages: answer question 4.",
        "Alcoholic beverages: answer question 5.",
    ]


# --- BARC-10 -----------------------------------------------------------------------------------


def test_barc10_texts():
    assert len(BARC10_ITEMS) == 10
    assert str(BARC10_ITEMS[0]) == "There are more important things to me in life than using substances."
    assert str(BARC10_ITEMS[9]) == "I am making good progress on my recovery journey."
    assert [value for value, _label in BARC10_ANSWER_OPTIONS] == [1, 2, 3, 4, 5, 6]
    assert str(BARC10_ANSWER_OPTIONS[0][1]) == "Strongly disagree"
    assert str(BARC10_ANSWER_OPTIONS[5][1]) == "Strongly agree"


def test_barc10_lowest_and_highest():
    assert barc10_score([1] * 10) == 10
    assert barc10_score([6] * 10) == 60


def test_barc10_mixed():
    # 6 + 5 + 4 + 3 + 2 + 1 + 6 + 5 + 4 + 3 = 39.
    assert barc10_score([6, 5, 4, 3, 2, 1, 6, 5, 4, 3]) == 39
    # Any sequence will do: 5 × 4 + 5 × 5 = 45.
    assert barc10_score((4, 4, 4, 4, 4, 5, 5, 5, 5, 5)) == 45


@pytest.mark.parametrize("count", [0, 9, 11])
def test_barc10_needs_exactly_ten_answers(count):
    with pytest.raises(ValueError, match=f"BARC-10 has 10 items; {count} answers were given"):
        barc10_score([3] * count)


def test_barc10_refuses_an_answer_out_of_range_naming_the_item():
    items = [4, 4, 7, 4, 4, 4, 4, 4, 4, 4]
    with pytest.raises(ValueError, match=r"^BARC-10 item 3 must be a whole number from 1 to 6, not “7”\.$"):
        barc10_score(items)


def test_barc10_names_every_bad_item():
    assert validate_barc10([0, 4, 4, 4, 4, 4, 4, 4, 4, True]) == [
        "BARC-10 item 1 must be a whole number from 1 to 6, not “0”.",
        "BARC-10 item 10 must be a whole number from 1 to 6, not “True”.",
    ]
    assert validate_barc10([4, 4, 4, 4, 4.5, 4, 4, 4, 4, 4]) == [  # type: ignore[list-item]
        "BARC-10 item 5 must be a whole number from 1 to 6, not “4.5”.",
    ]
    assert validate_barc10("4444444444") == ["BARC-10 answers must be a list of 10 numbers."]  # type: ignore[arg-type]
    assert validate_barc10([4] * 10) == []


def test_barc10_remission_threshold():
    assert BARC10_REMISSION_THRESHOLD == 47
    assert barc10_meets_remission_threshold(46) is False
    assert barc10_meets_remission_threshold(47) is True
    assert barc10_meets_remission_threshold(10) is False
    assert barc10_meets_remission_threshold(60) is True
    # 47 from answers: 7 × 5 + 3 × 4 = 47; one point less is 46.
    assert barc10_meets_remission_threshold(barc10_score([5, 5, 5, 5, 5, 5, 5, 4, 4, 4])) is True
    assert barc10_meets_remission_threshold(barc10_score([5, 5, 5, 5, 5, 5, 5, 4, 4, 3])) is False


@pytest.mark.parametrize("total", [9, 61])
def test_barc10_threshold_refuses_impossible_totals(total):
    with pytest.raises(ValueError, match="BARC-10 total must be 10 to 60"):
        barc10_meets_remission_threshold(total)

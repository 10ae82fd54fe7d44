"""Which case-work texts concern health (`casework.health_text`): whole words, with or without diacritics."""

from __future__ import annotations

import pytest

from donghanh.casework.choices import PlanDomain, Topic
from donghanh.casework.health_text import (
    contact_concerns_health,
    goal_concerns_health,
    mentions_health,
    without_health_topics,
)


@pytest.mark.parametrize(
    "text",
    [
        "đi xét nghiệm HIV",
        "khám sức khỏe, xét nghiệm HIV và viêm gan",
        "di xet nghiem hiv",  # typed without diacritics
        "KHÁM SỨC KHOẺ định kỳ",  # upper case, the other spelling of khỏe
        "Đang điều trị Methadone tại cơ sở",
        "uống thuốc ARV đều",
        "Có dấu hiệu trầm cảm, cần tư vấn tâm lý",
        "Gia đình báo anh ấy từng có ý định tự tử",
        "Nhắc lấy thuốc ở trạm y tế",
        "Bệnh lao phổi, đang chữa",
        "Mang thai tháng thứ ba",
        "referred for hepatitis treatment",
        "HIV.",  # punctuation around a word
    ],
)
def test_health_text_is_found(text):
    assert mentions_health(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Tìm việc làm ở xưởng may",
        "Tham gia lao động công ích",  # "lao" alone is also labour
        "Làm từ từ, không vội",  # "từ từ" (slowly) folds like "tự tử"
        "Hộ thuộc diện hộ nghèo",  # "thuộc" (belongs to) folds like "thuốc"
        "Xét nghiệm ma túy âm tính",  # a drug test is drug use, not health text
        "Đã hoàn thành cai nghiện",
        "Gây rối trật tự công cộng",
        "Đi học nghề hàn",
        "chivalry",  # "hiv" inside another word
    ],
)
def test_other_text_is_not(text):
    assert not mentions_health(text)


def test_any_of_several_texts():
    assert mentions_health("Gặp gia đình", "", "đi khám bệnh")
    assert not mentions_health("Gặp gia đình", "", "Đi làm")


def test_a_contact_concerns_health_by_its_topics_or_its_texts():
    assert contact_concerns_health([Topic.HIV_PREVENTION], "", "")
    assert contact_concerns_health([Topic.CRISIS, Topic.FAMILY], "", "")
    assert contact_concerns_health([Topic.FAMILY], "", "đi xét nghiệm HIV")
    assert contact_concerns_health([], "Đã nói về sức khỏe", "")
    assert not contact_concerns_health([Topic.FAMILY, Topic.WORK_SKILLS], "Bàn chuyện việc làm", "Gặp lại tuần sau")


def test_a_goal_concerns_health_by_its_domain_or_its_texts():
    assert goal_concerns_health(PlanDomain.HEALTH, "Ổn định cuộc sống", "", "")
    assert goal_concerns_health(PlanDomain.WORK, "Có việc làm", "Đi khám sức khỏe xin việc", "")
    assert goal_concerns_health(PlanDomain.FAMILY, "Hòa thuận", "", "Đang điều trị trầm cảm")
    assert not goal_concerns_health(PlanDomain.WORK, "Có việc làm ổn định", "Học nghề may", "Đã đi làm")


def test_health_topics_are_left_out_the_others_stay():
    topics = [Topic.FAMILY, Topic.HIV_PREVENTION, Topic.LEGAL, Topic.CRISIS]
    assert without_health_topics(topics) == [Topic.FAMILY, Topic.LEGAL]

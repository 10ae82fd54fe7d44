"""Demo targets: the national programme's, Đà Nẵng's (seed 004), Hà Nội's and one of Phú Thượng's own, set
through the service by the officers who hold the right, for the year the demo is run in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.core.periods import QUARTER, YEAR, period_of
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.engine import build_report, share_text, target_text
from donghanh.reports.models import Target
from donghanh.reports.targets import STATUS_LABELS, target_set

# (who sets it, unit code, indicator, comparison, value, note)
TARGETS = (
    ("trunguong", "VN", "members.counselled", "gte", 80, "Chương trình quốc gia đến 2030: ≥ 80 % được tư vấn"),
    ("trunguong", "VN", "people.with_volunteer", "gte", 90, "Chương trình quốc gia: ≥ 90 % được hỗ trợ"),
    ("tinh.danang", "48", "members.counselled", "gte", 100, "100 % thành viên được tư vấn"),
    ("tinh.danang", "48", "members.drug_free", "gte", 70, "≥ 70 % thành viên không sử dụng ma túy"),
    ("tinh.danang", "48", "support.sanctioned_supported", "gt", 50, "> 50 % người bị xử lý được hỗ trợ nghề"),
    ("tinh.hanoi", "01", "volunteers.helping", "gte", 100, "Mỗi tình nguyện viên giúp ít nhất một người"),
    ("tinh.hanoi", "01", "casework.assessments_done", "gte", 90, ""),
    ("xa.phuthuong", "00091", "people.with_volunteer", "gte", 80, "Chỉ tiêu riêng của phường"),
)


def demo_reports_exist() -> bool:
    return Target.objects.exists()


def demo_reports_create(today: datetime.date | None = None) -> None:
    year = period_of(YEAR, today or timezone.localdate()).code
    for username, code, indicator, comparison, value, note in TARGETS:
        actor = User.objects.get(username=username)
        unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, code=code)
        target_set(
            actor=actor, unit=unit, indicator=indicator, period=year, comparison=comparison, value=value, note=note
        )


@dataclass(frozen=True)
class TargetLine:
    unit_name: str
    indicator: str
    text: str  # "≥ 70 %: 4,5 % — at risk"


def demo_reports_summary(today: datetime.date | None = None) -> list[TargetLine]:
    """For each unit with demo targets, where the current quarter stands against them."""
    today = today or timezone.localdate()
    period = period_of(QUARTER, today)
    lines = []
    for code in dict.fromkeys(code for _, code, *_rest in TARGETS):
        unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, code=code)
        codes = [indicator for _, c, indicator, *_rest in TARGETS if c == code]
        report = build_report(unit, period, today=today, codes=codes, children=False, trend=1)
        for row in report.rows:
            if row.target is None:
                continue
            status = str(STATUS_LABELS[row.status]) if row.status else "—"
            value = share_text(row.figure.value, row.indicator.kind)
            text = f"{target_text(row.target, row.indicator)}: {value} — {status}"
            lines.append(TargetLine(unit.name, str(row.indicator.name), text))
    return lines

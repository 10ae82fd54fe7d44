"""Public holidays 2025–2027 (Labour Code 2019, Art. 112, and the government's yearly notices; 2027's Tết
and National Day days are the expected ones until announced) and the post-rehab decision deadline."""

import datetime

from django.db import migrations

D = datetime.date
HOLIDAYS = [
    (D(2025, 1, 1), "Tết Dương lịch"),
    *[(D(2025, 1, d), "Tết Nguyên đán Ất Tỵ") for d in (27, 28, 29, 30, 31)],
    (D(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
    (D(2025, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2025, 5, 1), "Quốc tế Lao động"),
    (D(2025, 5, 2), "Nghỉ bù (hoán đổi ngày làm việc)"),
    (D(2025, 9, 1), "Quốc khánh"),
    (D(2025, 9, 2), "Quốc khánh"),
    (D(2026, 1, 1), "Tết Dương lịch"),
    *[(D(2026, 2, d), "Tết Nguyên đán Bính Ngọ") for d in (16, 17, 18, 19, 20)],
    (D(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (D(2026, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2026, 5, 1), "Quốc tế Lao động"),
    (D(2026, 9, 1), "Quốc khánh"),
    (D(2026, 9, 2), "Quốc khánh"),
    (D(2027, 1, 1), "Tết Dương lịch"),
    *[(D(2027, 2, d), "Tết Nguyên đán Đinh Mùi") for d in (4, 5, 8, 9, 10)],
    (D(2027, 4, 16), "Giỗ Tổ Hùng Vương"),
    (D(2027, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2027, 5, 3), "Quốc tế Lao động (nghỉ bù)"),
    (D(2027, 9, 2), "Quốc khánh"),
    (D(2027, 9, 3), "Quốc khánh"),
]

POST_REHAB_DECISION = {
    "kind": "post_rehab_decision",
    "effective_from": D(2022, 1, 1),
    "working_days": 5,
    "legal_basis": "Nghị định 116/2021/NĐ-CP (quản lý sau cai nghiện ma túy): 05 ngày làm việc kể từ ngày "
    "nhận giấy chứng nhận hoàn thành cai nghiện",
}


def seed(apps, schema_editor):
    Holiday = apps.get_model("roster", "Holiday")
    DeadlineRule = apps.get_model("roster", "DeadlineRule")
    for day, name in HOLIDAYS:
        Holiday.objects.update_or_create(date=day, defaults={"name": name})
    DeadlineRule.objects.get_or_create(kind=POST_REHAB_DECISION["kind"], effective_from=POST_REHAB_DECISION["effective_from"], defaults=POST_REHAB_DECISION)


def unseed(apps, schema_editor):
    apps.get_model("roster", "Holiday").objects.filter(date__in=[d for d, _n in HOLIDAYS]).delete()
    apps.get_model("roster", "DeadlineRule").objects.filter(kind=POST_REHAB_DECISION["kind"]).delete()


class Migration(migrations.Migration):
    dependencies = [("roster", "0001_roster_lifecycle")]
    operations = [migrations.RunPython(seed, unseed)]

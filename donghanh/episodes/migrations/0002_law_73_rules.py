"""The durations of Law 73/2021/QH14 on drug prevention and control, in force from 01/01/2022."""

import datetime

from django.db import migrations

LAW_73 = "Luật Phòng, chống ma túy số 73/2021/QH14"
IN_FORCE = datetime.date(2022, 1, 1)
RESIDENCE_BASED = [
    "drug_user_management",
    "voluntary_community_rehab",
    "administrative_education",
    "post_rehab_management",
]
FACILITY = ["voluntary_facility_rehab", "compulsory_rehab"]

# (type, legal basis, min age, below age, min months, max months, usual months, cannot overlap with)
RULES = [
    ("drug_user_management", f"{LAW_73}; Nghị định 105/2021/NĐ-CP", None, None, 12, 12, 12, [*FACILITY]),
    ("voluntary_community_rehab", f"{LAW_73}; Nghị định 116/2021/NĐ-CP", None, None, 6, 12, 12, [*FACILITY]),
    ("voluntary_facility_rehab", f"{LAW_73}; Nghị định 116/2021/NĐ-CP", None, None, 6, 12, 12,
     [*RESIDENCE_BASED, "compulsory_rehab"]),
    ("compulsory_rehab", f"{LAW_73} (người từ đủ 18 tuổi)", 18, None, 12, 24, 24,
     [*RESIDENCE_BASED, "voluntary_facility_rehab"]),
    ("compulsory_rehab", f"{LAW_73} (người từ đủ 12 đến dưới 18 tuổi)", 12, 18, 6, 12, 12,
     [*RESIDENCE_BASED, "voluntary_facility_rehab"]),
    ("administrative_education", "Nghị định 120/2021/NĐ-CP (giáo dục tại xã, phường, thị trấn)", None, None, 3, 6, 6,
     [*FACILITY]),
    ("post_rehab_management", f"{LAW_73}; Nghị định 116/2021/NĐ-CP", None, None, 12, 12, 12, [*FACILITY]),
    ("methadone", "Nghị định 90/2016/NĐ-CP (điều trị thay thế)", None, None, None, None, None, []),
    ("early_intervention", "Can thiệp sớm, dự phòng nghiện (không phải biện pháp pháp lý)", None, None, None, None, None,
     []),
]  # fmt: skip


def add_rules(apps, schema_editor):
    EpisodeRule = apps.get_model("episodes", "EpisodeRule")
    for episode_type, basis, min_age, max_age, min_months, max_months, usual, conflicts in RULES:
        EpisodeRule.objects.get_or_create(
            episode_type=episode_type,
            effective_from=IN_FORCE,
            min_age=min_age,
            defaults={
                "legal_basis": basis,
                "max_age": max_age,
                "min_months": min_months,
                "max_months": max_months,
                "default_months": usual,
                "conflicts_with": conflicts,
            },
        )


def remove_rules(apps, schema_editor):
    apps.get_model("episodes", "EpisodeRule").objects.filter(effective_from=IN_FORCE).delete()


class Migration(migrations.Migration):
    dependencies = [("episodes", "0001_episodes_and_rules")]
    operations = [migrations.RunPython(add_rules, remove_rules)]

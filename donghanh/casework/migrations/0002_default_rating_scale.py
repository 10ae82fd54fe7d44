"""The default rating scale for monthly assessments: tốt / khá / trung bình / yếu.

A province that rates differently (e.g. tiến bộ / chưa tiến bộ) gets its own scale.
"""

from django.db import migrations

DEFAULT_LEVELS = [
    # code, Vietnamese, English, rank, counts as progressing
    ("good", "Tốt", "Good", 1, True),
    ("fair", "Khá", "Fair", 2, True),
    ("average", "Trung bình", "Average", 3, True),
    ("poor", "Yếu", "Poor", 4, False),
]


def create_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("casework", "RatingScale")
    RatingLevel = apps.get_model("casework", "RatingLevel")
    scale, _ = RatingScale.objects.get_or_create(unit=None, name="Mặc định")
    for code, label_vi, label_en, rank, progress in DEFAULT_LEVELS:
        RatingLevel.objects.update_or_create(
            scale=scale,
            code=code,
            defaults={"label_vi": label_vi, "label_en": label_en, "rank": rank, "counts_as_progress": progress},
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_volunteers_and_casework")]

    operations = [migrations.RunPython(create_default_scale, migrations.RunPython.noop)]

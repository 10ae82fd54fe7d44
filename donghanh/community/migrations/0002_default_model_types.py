"""The four kinds of community model every installation starts with; an administrator may add or retire kinds."""

from django.db import migrations

DEFAULT_TYPES = [
    # code, Vietnamese, English
    (
        "counselling_point",
        "Điểm tư vấn, chăm sóc, hỗ trợ điều trị nghiện ma túy tại cộng đồng",
        "Counselling point for addiction care and treatment support",
    ),
    ("post_rehab_club", "Câu lạc bộ người sau cai nghiện ma túy", "Post-rehab club"),
    (
        "early_intervention_club",
        "Câu lạc bộ “Can thiệp sớm, dự phòng nghiện ma túy”",
        "Early-intervention and addiction-prevention club",
    ),
    ("self_help_group", "Nhóm tự lực", "Self-help group"),
]


def create_types(apps, schema_editor):
    ModelType = apps.get_model("community", "ModelType")
    for position, (code, label_vi, label_en) in enumerate(DEFAULT_TYPES, start=1):
        ModelType.objects.update_or_create(
            code=code, defaults={"label_vi": label_vi, "label_en": label_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_community_models")]

    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]

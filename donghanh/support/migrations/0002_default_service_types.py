"""The service types every installation starts with; an administrator may add or retire types."""

from django.db import migrations

DEFAULT_TYPES = [
    # code, Vietnamese, English, category, involves money
    ("vocational_training", "Học nghề", "Vocational training", "training", True),
    ("general_education", "Học văn hóa", "General education", "education", True),
    ("preferential_loan", "Vay vốn ưu đãi", "Preferential loan", "loan", True),
    ("job_referral", "Giới thiệu việc làm", "Job referral", "job_referral", False),
    ("job_placement", "Tạo việc làm", "Job placement", "job_placement", False),
    ("emergency_aid", "Hỗ trợ khó khăn đột xuất", "Emergency hardship aid", "emergency_aid", True),
    ("medical_exam", "Khám sức khỏe và lập hồ sơ y tế ban đầu", "Medical exam and initial medical record", "medical", False),
    ("health_insurance", "Thẻ bảo hiểm y tế", "Health-insurance card", "health_insurance", True),
    ("legal_aid", "Trợ giúp pháp lý", "Legal aid", "legal_aid", False),
    ("identity_papers", "Giấy tờ tùy thân", "Identity papers", "papers", False),
    ("other", "Hỗ trợ khác", "Other support", "other", True),
]


def create_types(apps, schema_editor):
    ServiceType = apps.get_model("support", "ServiceType")
    for position, (code, label_vi, label_en, category, money) in enumerate(DEFAULT_TYPES, start=1):
        ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "label_vi": label_vi,
                "label_en": label_en,
                "category": category,
                "involves_money": money,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_partners_and_services")]

    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]

from django.db import migrations

# 0002's histogram of 10,000 bounds made every estimate of a path prefix right, but PostgreSQL matches a LIKE
# pattern against each bound while planning: 1.4 ms for each statement filtering on a path, most of a commune's
# report (docs/benchmarks.md, "Planning a path prefix"). A thousand bounds, about 14 paths each, still estimate a
# province (85 units under "VN/NP48/" for 95) and plan in 0.15 ms.
PATH_STATISTICS = 1000


def path_statistics(apps, schema_editor, target=PATH_STATISTICS):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE orgunits_orgunit ALTER COLUMN path SET STATISTICS {int(target)}")
    schema_editor.execute("ANALYZE orgunits_orgunit")


def finer_statistics(apps, schema_editor):
    path_statistics(apps, schema_editor, target=10000)


class Migration(migrations.Migration):
    dependencies = [
        ("orgunits", "0002_path_statistics"),
    ]

    operations = [
        migrations.RunPython(path_statistics, finer_statistics, elidable=False),
    ]

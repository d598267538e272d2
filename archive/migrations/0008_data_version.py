"""The archive's data version: one row, bumped by every change of published data in the change's
own transaction, part of every cached search's key (archive.caching)."""

import time

from django.db import migrations, models


def first_version(apps, schema_editor):
    """The time in milliseconds (archive.caching.fresh_version): a database made anew never
    reuses an old one's keys in a shared cache."""
    DataVersion = apps.get_model("archive", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": int(time.time() * 1000)}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_alerts"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.PositiveBigIntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="data_version_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]

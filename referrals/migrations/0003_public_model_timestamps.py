"""Referrals, their documents and referring providers share clinic.core.models.PublicModel.

A document's `added_at` is its `created_at` now, in the same column (only the field's name
changes: nothing is written to the database). Referrals gain both times, starting from when they
were submitted and when their status last changed; documents and providers gain `updated_at`,
starting at `created_at`.
"""

import django.utils.timezone
from django.db import migrations, models


def times_from_what_was_recorded(apps, schema_editor):
    apps.get_model("referrals", "Referral").objects.update(
        created_at=models.F("submitted_at"), updated_at=models.F("status_changed_at")
    )
    for model_name in ("ReferralDocument", "ReferringProvider"):
        apps.get_model("referrals", model_name).objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_staff_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name="referraldocument",
                    old_name="added_at",
                    new_name="created_at",
                ),
                migrations.AlterField(
                    model_name="referraldocument",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, db_column="added_at", verbose_name="added"),
                ),
                migrations.AlterModelOptions(
                    name="referraldocument",
                    options={
                        "ordering": ["created_at", "pk"],
                        "verbose_name": "referral document",
                        "verbose_name_plural": "referral documents",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="referraldocument",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="referral",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="created"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="referral",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="referringprovider",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.RunPython(times_from_what_was_recorded, migrations.RunPython.noop, elidable=True),
    ]

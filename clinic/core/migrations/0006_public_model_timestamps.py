"""The core's records share clinic.core.models.PublicModel: a public id, when created, when last saved.

Locations gain both times, outbound emails, uploads and staff alerts gain `updated_at`; rows that
exist start with `updated_at` equal to `created_at` (a location's both are the time of this
migration: nobody recorded when it was added). The patient's two times only get their labels.
"""

import django.utils.timezone
from django.db import migrations, models


def updated_at_from_created_at(apps, schema_editor):
    for model_name in ("Location", "OutboundEmail", "Upload", "StaffAlert"):
        apps.get_model("clinic", model_name).objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0005_safetyscreenrecord"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="created"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="location",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="staffalert",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="upload",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AlterField(
            model_name="patient",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="patient",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.RunPython(updated_at_from_created_at, migrations.RunPython.noop, elidable=True),
    ]

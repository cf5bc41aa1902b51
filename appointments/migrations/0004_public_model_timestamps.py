"""Physicians, appointment requests and appointments share clinic.core.models.PublicModel.

Physicians gain both times (the time of this migration: nobody recorded when they were added);
requests gain `updated_at` from when their status last changed, appointments from when they were
booked.
"""

import django.utils.timezone
from django.db import migrations, models


def updated_at_from_what_was_recorded(apps, schema_editor):
    apps.get_model("appointments", "Physician").objects.update(updated_at=models.F("created_at"))
    apps.get_model("appointments", "AppointmentRequest").objects.update(
        updated_at=models.F("status_changed_at")
    )
    apps.get_model("appointments", "Appointment").objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0003_safety_override"),
    ]

    operations = [
        migrations.AddField(
            model_name="physician",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="created"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="physician",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="appointmentrequest",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AddField(
            model_name="appointment",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.RunPython(updated_at_from_what_was_recorded, migrations.RunPython.noop, elidable=True),
    ]

"""Staff alerts moved to the core app (clinic.StaffAlert, linked to any subject): copy every intake
alert there with its id, times and acknowledgement, then drop the old table.

Pending alert emails are pointed at the new alert page and template.
"""

from django.db import migrations


def copy_alerts_to_clinic(apps, schema_editor):
    old_alert = apps.get_model("intake", "StaffAlert")
    new_alert = apps.get_model("clinic", "StaffAlert")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    outbound_email = apps.get_model("clinic", "OutboundEmail")
    intake_type, _created = content_type_model.objects.get_or_create(app_label="intake", model="intake")
    new_alert.objects.bulk_create(
        new_alert(
            pk=alert.pk,
            public_id=alert.public_id,
            content_type=intake_type,
            object_id=alert.intake_id,
            kind=alert.kind,
            tier=alert.tier,
            summary=alert.summary,
            created_at=alert.created_at,
            acknowledged_at=alert.acknowledged_at,
            acknowledged_by_id=alert.acknowledged_by_id,
        )
        for alert in old_alert.objects.iterator()
    )
    # `created_at` is auto_now_add, which bulk_create overwrote: the escalation clock starts at the
    # time the alert was really raised.
    for alert_id, created_at in old_alert.objects.values_list("pk", "created_at"):
        new_alert.objects.filter(pk=alert_id).update(created_at=created_at)
    if schema_editor.connection.vendor == "postgresql" and new_alert.objects.exists():
        # Rows were written with their ids: move the sequence past them.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('clinic_staffalert', 'id'), "
                "(SELECT MAX(id) FROM clinic_staffalert))"
            )
    for email in outbound_email.objects.filter(template="intake-staff-alert", status="pending"):
        email.template = "staff-alert"
        email.context = {
            **email.context,
            "alert_url": email.context.get("alert_url", "").replace(
                "/intake/staffalert/", "/clinic/staffalert/"
            ),
        }
        email.save(update_fields=["template", "context"])


def sync_staff_roles(apps, schema_editor):
    from clinic.core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("clinic", "0004_staffalert"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_alerts_to_clinic, migrations.RunPython.noop),
        migrations.DeleteModel(name="StaffAlert"),
        migrations.RunPython(sync_staff_roles, migrations.RunPython.noop),
    ]

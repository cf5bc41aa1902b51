from django.db import migrations


def sync_roles(apps, schema_editor):
    from clinic.core.roles import sync_roles as sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("clinic", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]

from django.db import migrations


def sync_staff_roles(apps, schema_editor):
    from clinic.core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("clinic", "0003_upload"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_staff_roles, migrations.RunPython.noop)]

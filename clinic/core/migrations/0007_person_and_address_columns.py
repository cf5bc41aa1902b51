import clinic.core.person
from django.db import migrations

from clinic.core.us_states import stored_states_as_codes


def states_as_codes(apps, schema_editor):
    stored_states_as_codes(apps.get_model("clinic", "Patient"))
    stored_states_as_codes(apps.get_model("clinic", "Location"))


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0006_public_model_timestamps'),
    ]

    operations = [
        migrations.AlterField(
            model_name='location',
            name='postal_code',
            field=clinic.core.person.ZIPCodeField(max_length=10, verbose_name='ZIP code'),
        ),
        migrations.AlterField(
            model_name='location',
            name='state',
            field=clinic.core.person.USStateField(max_length=2, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='patient',
            name='first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='patient',
            name='last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='patient',
            name='postal_code',
            field=clinic.core.person.ZIPCodeField(blank=True, max_length=10, verbose_name='ZIP code'),
        ),
        migrations.AlterField(
            model_name='patient',
            name='state',
            field=clinic.core.person.USStateField(blank=True, max_length=2, verbose_name='state'),
        ),
        migrations.RunPython(states_as_codes, migrations.RunPython.noop),
    ]

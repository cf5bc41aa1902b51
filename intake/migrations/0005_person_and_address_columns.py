import clinic.core.person
from django.db import migrations

from clinic.core.us_states import stored_states_as_codes


def states_as_codes(apps, schema_editor):
    stored_states_as_codes(apps.get_model("intake", "Intake"))


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0004_dn4_examination_permission'),
    ]

    operations = [
        migrations.AlterField(
            model_name='intake',
            name='consent_name',
            field=clinic.core.person.PersonNameField(blank=True, max_length=200, verbose_name='signature (typed name)'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='postal_code',
            field=clinic.core.person.ZIPCodeField(blank=True, max_length=10, verbose_name='ZIP code'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='state',
            field=clinic.core.person.USStateField(blank=True, max_length=2, verbose_name='state'),
        ),
        migrations.RunPython(states_as_codes, migrations.RunPython.noop),
    ]

import clinic.core.person
import referrals.npi
from django.db import migrations

from clinic.core.us_states import stored_states_as_codes


def states_as_codes(apps, schema_editor):
    stored_states_as_codes(apps.get_model("referrals", "ReferringProvider"))


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0003_public_model_timestamps'),
    ]

    operations = [
        migrations.AlterField(
            model_name='referral',
            name='patient_first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='patient first name'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='patient_last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='patient last name'),
        ),
        migrations.AlterField(
            model_name='referringprovider',
            name='first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='referringprovider',
            name='last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='referringprovider',
            name='npi',
            field=referrals.npi.NPIField(max_length=10, unique=True, verbose_name='NPI'),
        ),
        migrations.AlterField(
            model_name='referringprovider',
            name='postal_code',
            field=clinic.core.person.ZIPCodeField(max_length=10, verbose_name='ZIP code'),
        ),
        migrations.AlterField(
            model_name='referringprovider',
            name='state',
            field=clinic.core.person.USStateField(max_length=2, verbose_name='state'),
        ),
        migrations.RunPython(states_as_codes, migrations.RunPython.noop),
    ]

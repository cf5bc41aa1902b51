import clinic.core.person
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0004_public_model_timestamps'),
    ]

    operations = [
        migrations.AlterField(
            model_name='appointmentrequest',
            name='first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='appointmentrequest',
            name='last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='physician',
            name='first_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='physician',
            name='last_name',
            field=clinic.core.person.PersonNameField(max_length=100, verbose_name='last name'),
        ),
    ]

import pytest

from clinic.core.models import Patient
from clinic.core.services import patient_match_or_create
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_person_who_proves_a_known_email_is_matched_to_their_record():
    known = PatientFactory(first_name="Maria", last_name="Lopez", email="maria@example.com")

    matched = patient_match_or_create(
        first_name="MARIA", last_name="lopez", date_of_birth=known.date_of_birth, email="Maria@Example.com"
    )

    assert matched == known
    assert Patient.objects.count() == 1


def test_the_same_name_and_birth_date_with_another_email_is_a_new_record():
    known = PatientFactory(first_name="Maria", last_name="Lopez", email="maria@example.com")

    other = patient_match_or_create(
        first_name="Maria", last_name="Lopez", date_of_birth=known.date_of_birth, email="someone@example.com"
    )

    assert other != known
    assert Patient.objects.count() == 2

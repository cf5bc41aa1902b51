"""The medication step reads what the patient typed, asks about near-matches and contradictions,
and keeps what it could not read for staff (issue 9, points 1 and 5)."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.core.roles import CLINICIAN
from intake.models import IntakeStatus, MedicationRecognition
from intake.tokens import resume_url
from tests.factories import IntakeFactory, StaffUserFactory

from . import helpers

pytestmark = pytest.mark.django_db


def step_url(intake):
    return reverse("intake:step", args=[intake.public_id, "medications"])


@pytest.fixture
def intake(client):
    intake = IntakeFactory()
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))
    return intake


def post(client, intake, names, *, blood_thinner="yes", rows=None, **extra):
    data = helpers.medications(names=names)
    data["blood_thinner"] = blood_thinner
    # As a browser posts it: the rows the page was built from count as initial forms.
    data["med-INITIAL_FORMS"] = str(intake.medications.count())
    for index, row in (rows or {}).items():
        data.update({f"med-{index}-{key}": value for key, value in row.items()})
    return client.post(step_url(intake), {**data, **extra})


def page(client, intake) -> str:
    return html.unescape(client.get(step_url(intake)).content.decode())


def flag_codes(intake):
    intake.refresh_from_db()
    return {flag["code"] for flag in intake.safety_flags}


def test_a_misspelt_blood_thinner_is_asked_about_not_assumed_and_counts_meanwhile(client, intake):
    response = post(client, intake, ["Eliquiss"])
    # Saved (nothing lost) but held on the same step.
    assert response.status_code == 302 and response["Location"] == step_url(intake)
    content = page(client, intake)
    assert "We read this as apixaban (Eliquis), a blood thinner: is that right?" in content
    assert "Yes, that's right" in content
    assert 'value="Eliquiss"' in content
    intake.refresh_from_db()
    assert "medications" not in intake.completed_steps
    medication = intake.medications.get()
    assert medication.recognition == MedicationRecognition.NEAR_MATCH
    # The safer reading until the patient answers: the drug counts.
    assert "drug:apixaban" in flag_codes(intake)


def test_confirming_the_near_match_completes_the_step(client, intake):
    post(client, intake, ["Eliquiss"])
    response = post(client, intake, ["Eliquiss"], rows={0: {"confirmed": "on", "asked_as": "apixaban"}})
    assert response["Location"].endswith("/step/history/")
    intake.refresh_from_db()
    assert "medications" in intake.completed_steps
    assert intake.medications.get().recognition == MedicationRecognition.CONFIRMED
    assert "We read this as apixaban (Eliquis), a blood thinner." in page(client, intake)


def test_a_confirmation_given_for_another_reading_does_not_count(client, intake):
    response = post(client, intake, ["Plavicks"], rows={0: {"confirmed": "on", "asked_as": "apixaban"}})
    assert response["Location"] == step_url(intake)
    intake.refresh_from_db()
    assert intake.medications.get().recognition == MedicationRecognition.NEAR_MATCH


def test_correcting_the_name_replaces_the_question(client, intake):
    post(client, intake, ["Eliquiss"])
    response = post(client, intake, ["Eliquis"])
    assert response["Location"].endswith("/step/history/")
    intake.refresh_from_db()
    medication = intake.medications.get()
    assert (medication.recognition, medication.generic, medication.drug_class) == (
        "recognised",
        "apixaban",
        "anticoagulant",
    )


def test_an_unrecognised_name_is_kept_and_shown_to_staff_as_not_recognised(client, intake):
    response = post(client, intake, ["Blorptaxil 10 mg"])
    assert response["Location"].endswith("/step/history/")
    assert "We did not recognise this name" in page(client, intake)
    intake.refresh_from_db()
    medication = intake.medications.get()
    assert (medication.name, medication.recognition) == ("Blorptaxil 10 mg", "unrecognised")
    assert "medication_not_recognised" in flag_codes(intake)

    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.save()
    client.force_login(StaffUserFactory(role=CLINICIAN))
    admin_page = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()
    assert "Blorptaxil 10 mg" in admin_page and "not recognised: check" in admin_page


def test_a_blood_thinner_listed_with_no_blood_thinner_is_asked_about(client, intake):
    response = post(client, intake, ["Eliquis 5mg"], blood_thinner="no")
    assert response["Location"] == step_url(intake)
    assert "You listed Eliquis 5mg, which is a blood thinner. Do you take it?" in page(client, intake)
    # Until the patient answers, the drug counts and staff see the contradiction.
    assert {"drug:apixaban", "blood_thinner_contradiction"} <= flag_codes(intake)

    response = post(client, intake, ["Eliquis 5mg"], blood_thinner="no", listed_blood_thinner_taken="on")
    assert response["Location"].endswith("/step/history/")
    codes = flag_codes(intake)
    assert "drug:apixaban" in codes and "blood_thinner_contradiction" not in codes


def test_a_supplement_does_not_cancel_the_unnamed_blood_thinner_flag(client, intake):
    post(client, intake, ["fish oil", "Celebrex"], blood_thinner="yes")
    assert "blood_thinner_unnamed" in flag_codes(intake)


def test_type_ahead_offers_names_without_javascript_and_from_the_json_list(client, intake):
    content = page(client, intake)
    assert 'list="medicine-names"' in content
    assert '<datalist id="medicine-names"' in content and '<option value="eliquis">' in content
    names = client.get(reverse("intake:medicine_names")).json()["names"]
    assert {"lisinopril", "eliquis", "metformin"} <= set(names)


def test_the_medication_step_keeps_a_bounded_number_of_queries(client, intake, django_assert_max_num_queries):
    post(client, intake, [f"Eliquiss {n}" for n in range(20)])
    with django_assert_max_num_queries(12):
        assert client.get(step_url(intake)).status_code == 200
    # 30, plus 9 of the change audit whatever the number of medicines: auditlog reads the old row of
    # each record saved (intake, safety screen) and writes its entry; each list's deletions and
    # creations are one insert each.
    with django_assert_max_num_queries(39):
        post(client, intake, [f"Eliquiss {n}" for n in range(20)])

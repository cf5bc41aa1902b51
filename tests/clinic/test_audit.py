"""The audit: each staff (or referrer) look at a patient's record is a RecordView, each change a
LogEntry with who, when, what and from where; administrators read both, nobody edits them."""

import datetime
import logging

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from clinic.core.audit import MASK
from clinic.core.models import Patient, RecordView, StaffAlert
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from intake.models import IntakeStatus, Medication
from intake.services import intake_save_medications
from intake.tasks import intake_drafts_task
from referrals.models import QueuePriority, Referral
from referrals.services import referral_raise_priority
from tests.factories import (
    PNG_BYTES,
    AppointmentRequestFactory,
    IntakeFactory,
    LocationFactory,
    PatientFactory,
    PhysicianFactory,
    ReferralDocumentFactory,
    ReferralFactory,
    StaffAlertFactory,
    StaffUserFactory,
    UploadFactory,
)

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
RECORD_VIEWS = "admin:clinic_recordview_changelist"
CHANGES = "admin:auditlog_logentry_changelist"


def signed_in(client, role=None, **user):
    user = StaffUserFactory(role=role, **user)
    client.force_login(user)
    return user


def changes_of(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def submitted_intake(patient=None):
    patient = patient or PatientFactory()
    return IntakeFactory(
        patient=patient,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        status=IntakeStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


# --- views ---------------------------------------------------------------------------------------


def test_opening_an_intake_page_records_who_which_record_whose_and_from_where(client):
    clinician = signed_in(client, CLINICIAN)
    intake = submitted_intake()

    response = client.get(
        reverse("admin:intake_intake_change", args=[intake.pk]),
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR="198.51.100.99",  # written by the client: not believed
    )

    assert response.status_code == 200
    view = RecordView.objects.get()
    assert view.user == clinician and view.username == clinician.username
    assert view.kind == RecordView.Kind.PAGE
    assert view.record == intake
    assert view.patient == intake.patient
    assert view.patient_label == str(intake.patient)
    assert view.client_address == ADDRESS
    assert view.viewed_at > timezone.now() - datetime.timedelta(minutes=1)


def test_each_staff_page_of_a_patient_record_is_recorded_and_lists_are_not_per_row(client):
    signed_in(client, CLINIC_ADMINISTRATOR)
    patient = PatientFactory()
    referral = ReferralFactory(patient=patient)
    request = AppointmentRequestFactory(patient=patient, status="open")
    alert = StaffAlertFactory(subject=submitted_intake(patient))

    for url in [
        reverse("admin:clinic_patient_change", args=[patient.pk]),
        reverse("admin:referrals_referral_change", args=[referral.pk]),
        reverse("admin:referrals_referral_action", args=[referral.pk, "under_review"]),
        reverse("admin:appointments_appointmentrequest_change", args=[request.pk]),
        reverse("admin:appointments_appointmentrequest_book", args=[request.pk]),
        reverse("admin:clinic_staffalert_change", args=[alert.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:clinic_patient_changelist")).status_code == 200

    views = RecordView.objects.order_by("pk")
    assert [view.record for view in views] == [patient, referral, referral, request, request, alert]
    assert {view.patient_id for view in views} == {patient.pk}


def test_downloading_a_referral_document_records_a_document_view_for_staff_and_for_the_referrer(client):
    document = ReferralDocumentFactory(referral=ReferralFactory(patient=PatientFactory()))
    url = reverse("referrals:document", args=[document.referral.public_id, document.public_id])
    desk = signed_in(client, FRONT_DESK)

    assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 200
    client.force_login(document.referral.provider.user)
    assert client.get(url).status_code == 200

    first, second = RecordView.objects.order_by("pk")
    assert (first.user, first.kind, first.record) == (desk, RecordView.Kind.DOCUMENT, document)
    assert first.patient == document.referral.patient and first.client_address == ADDRESS
    assert (second.user, second.kind) == (document.referral.provider.user, RecordView.Kind.DOCUMENT)


def test_a_document_someone_may_not_see_is_not_recorded_as_seen(client):
    document = ReferralDocumentFactory()
    client.force_login(ReferralFactory().provider.user)  # another referrer

    response = client.get(
        reverse("referrals:document", args=[document.referral.public_id, document.public_id])
    )

    assert response.status_code == 404
    assert not RecordView.objects.exists()


def test_a_referrers_referral_page_is_recorded(client):
    referral = ReferralFactory()
    client.force_login(referral.provider.user)

    assert client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 200

    view = RecordView.objects.get()
    assert view.user == referral.provider.user and view.record == referral
    assert view.patient is None and referral.patient_last_name in view.patient_label


def test_a_card_photo_is_recorded_as_a_card_photo_view(client):
    clinician = signed_in(client, CLINICIAN)
    photo = UploadFactory(content_type="image/png", original_name="card.png", size=len(PNG_BYTES))
    intake = submitted_intake()
    intake.insurance_card_front = photo
    intake.save()

    assert client.get(reverse("intake:insurance_card", args=[intake.public_id, "front"])).status_code == 200

    view = RecordView.objects.get()
    assert (view.user, view.kind, view.record, view.patient) == (
        clinician,
        RecordView.Kind.CARD_PHOTO,
        intake,
        intake.patient,
    )


def test_a_search_of_patient_records_is_recorded_with_its_words(client):
    desk = signed_in(client, FRONT_DESK)

    assert (
        client.get(reverse("admin:referrals_referral_changelist"), {"q": "Dupont 1970-05-06"}).status_code
        == 200
    )

    view = RecordView.objects.get()
    assert (view.user, view.kind, view.search_terms) == (desk, RecordView.Kind.SEARCH, "Dupont 1970-05-06")
    assert view.content_type == ContentType.objects.get_for_model(Referral) and view.object_id is None


def test_the_day_view_records_each_visit_it_shows_in_one_query(client, django_assert_max_num_queries):
    desk = signed_in(client, FRONT_DESK)
    location = LocationFactory()
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for n in range(5):
        physician = PhysicianFactory()
        request = AppointmentRequestFactory(patient=PatientFactory(), location=location, status="booked")
        Appointment.objects.create(
            request=request,
            patient=request.patient,
            physician=physician,
            location=location,
            visit_type=request.visit_type,
            starts_at=start + datetime.timedelta(minutes=30 * n),
            ends_at=start + datetime.timedelta(minutes=30 * n + 30),
            scheduled_at=timezone.now(),
        )

    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("admin:appointments_appointment_day"), {"day": start.date().isoformat()}
        )

    assert response.status_code == 200
    views = RecordView.objects.all()
    assert len(views) == 5 and {view.kind for view in views} == {RecordView.Kind.LIST}
    assert {view.user for view in views} == {desk}
    assert {view.patient_id for view in views} == set(
        Appointment.objects.values_list("patient_id", flat=True)
    )


# --- changes -------------------------------------------------------------------------------------


def test_a_staff_change_records_the_diff_the_actor_the_patient_and_the_address(client):
    desk = signed_in(client, FRONT_DESK)
    patient = PatientFactory(last_name="Dupont", city="Springfield")
    url = reverse("admin:clinic_patient_change", args=[patient.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}

    response = client.post(url, {**data, "last_name": "Dupond"}, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302
    entry = changes_of(patient).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == desk
    assert entry.changes_dict == {"last_name": ["Dupont", "Dupond"]}
    assert entry.remote_addr == ADDRESS
    assert entry.additional_data == {"patient_id": patient.pk, "patient": str(Patient.objects.get())}


def test_free_text_and_answers_are_masked_in_the_diff_and_decisions_are_kept():
    intake = submitted_intake()
    intake.answers = {"pain": {"complaint": "Burning pain since the fall at my sister's"}}
    intake.red_flag_tier = "urgent"
    intake.save()
    referral = ReferralFactory(reason="Known to our practice: husband's abuse disclosed")

    change = changes_of(intake).get(action=LogEntry.Action.UPDATE).changes_dict
    assert change["answers"] == ["", MASK]
    assert change["red_flag_tier"] == ["", "urgent"]
    created = changes_of(referral).get(action=LogEntry.Action.CREATE)
    assert created.changes_dict["reason"] == ["", MASK]
    assert "sister" not in str(LogEntry.objects.values_list("changes", "changes_text"))
    assert "abuse" not in str(LogEntry.objects.values_list("changes", "changes_text"))


def test_an_admin_bulk_action_leaves_a_change_row_for_each_record_with_its_actor(client):
    clinician = signed_in(client, CLINICIAN)
    intakes = [submitted_intake(), submitted_intake()]
    LogEntry.objects.all().delete()

    response = client.post(
        reverse("admin:intake_intake_changelist"),
        {"action": "mark_reviewed", "_selected_action": [intake.pk for intake in intakes]},
    )

    assert response.status_code == 302
    for intake in intakes:
        entry = changes_of(intake).get(action=LogEntry.Action.UPDATE)
        assert entry.actor == clinician
        assert entry.changes_dict["status"] == ["submitted", "reviewed"]
        assert entry.additional_data["patient_id"] == intake.patient_id


def test_acknowledging_alerts_in_bulk_is_recorded_although_it_is_a_guarded_update(client):
    clinician = signed_in(client, CLINICIAN)
    alerts = [StaffAlertFactory(), StaffAlertFactory(tier="urgent")]

    client.post(
        reverse("admin:clinic_staffalert_changelist"),
        {"action": "acknowledge", "_selected_action": [alert.pk for alert in alerts]},
    )

    for alert in alerts:
        entry = changes_of(alert).get(action=LogEntry.Action.UPDATE)
        assert entry.actor == clinician
        assert set(entry.changes_dict) == {"acknowledged_at", "acknowledged_by"}
    assert StaffAlert.objects.filter(acknowledged_by=clinician).count() == 2


def test_raising_a_patients_referrals_records_each_one():
    patient = PatientFactory()
    referrals = [ReferralFactory(patient=patient), ReferralFactory(patient=patient)]

    assert referral_raise_priority(patient=patient, emergency=True) == 2

    for referral in referrals:
        entry = changes_of(referral).get(action=LogEntry.Action.UPDATE)
        assert entry.changes_dict["queue_priority"] == [
            str(QueuePriority.ROUTINE.value),
            str(QueuePriority.EMERGENCY_RED_FLAG.value),
        ]
        assert entry.actor is None


def test_replacing_the_medicine_list_records_each_removal_and_addition_with_the_patient():
    intake = IntakeFactory(patient=PatientFactory())
    intake_save_medications(
        intake=intake, answers={}, medications=[{"name": "Eliquis", "dose": "5 mg"}], allergies=[]
    )
    eliquis = Medication.objects.get()

    intake_save_medications(intake=intake, answers={}, medications=[{"name": "Tylenol"}], allergies=[])

    tylenol = Medication.objects.get()
    removed = LogEntry.objects.get(object_id=eliquis.pk, action=LogEntry.Action.DELETE)
    assert (
        removed.changes_dict["name"] == ["Eliquis", "None"]
        and removed.changes_dict["drug_key"][0] == "apixaban"
    )
    added = LogEntry.objects.get(object_id=tylenol.pk, action=LogEntry.Action.CREATE)
    assert added.changes_dict["name"] == ["None", "Tylenol"]
    assert {removed.additional_data["patient_id"], added.additional_data["patient_id"]} == {intake.patient_id}


def test_a_task_change_has_no_actor_and_names_the_task(client):
    intake = IntakeFactory(expires_at=timezone.now() - datetime.timedelta(days=1))

    intake_drafts_task.apply()

    entry = changes_of(intake).get(action=LogEntry.Action.UPDATE)
    assert entry.actor is None and entry.changes_dict["status"] == ["draft", "expired"]
    assert entry.cid == "task intake.tasks.intake_drafts_task"
    signed_in(client, CLINIC_ADMINISTRATOR)
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).content.decode()
    assert "system (task intake.tasks.intake_drafts_task)" in page


def test_neither_audit_writes_a_log_line(client, caplog):
    signed_in(client, CLINICIAN)
    intake = submitted_intake(PatientFactory(last_name="Quetzalcoatl"))

    with caplog.at_level(logging.DEBUG):
        client.get(reverse("admin:intake_intake_change", args=[intake.pk]))
        intake.status = IntakeStatus.REVIEWED
        intake.reviewed_at = timezone.now()
        intake.save()

    assert RecordView.objects.exists() and changes_of(intake).exists()
    assert "Quetzalcoatl" not in caplog.text


# --- reading the audit ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [CLINIC_ADMINISTRATOR, "superuser"])
def test_administrators_read_both_logs_and_cannot_add_change_or_delete(client, role):
    if role == "superuser":
        signed_in(client, is_superuser=True)
    else:
        signed_in(client, role)
    patient = PatientFactory()
    client.get(reverse("admin:clinic_patient_change", args=[patient.pk]))
    view, entry = RecordView.objects.get(), changes_of(patient).get()

    for name, row in (("clinic_recordview", view), ("auditlog_logentry", entry)):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        page = client.get(reverse(f"admin:{name}_change", args=[row.pk]))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'name="_save"' not in content and "deletelink" not in content
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403
        assert client.post(reverse(f"admin:{name}_change", args=[row.pk]), {}).status_code == 403
        assert client.post(reverse(f"admin:{name}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
        listed = client.post(
            reverse(f"admin:{name}_changelist"), {"action": "delete_selected", "_selected_action": [row.pk]}
        )
        assert listed.status_code in {200, 302}
    assert RecordView.objects.filter(pk=view.pk).exists() and LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN])
def test_other_staff_cannot_see_the_audit(client, role):
    signed_in(client, role)
    patient = PatientFactory()
    page = client.get(reverse("admin:clinic_patient_change", args=[patient.pk])).content.decode()

    assert client.get(reverse(RECORD_VIEWS)).status_code == 403
    assert client.get(reverse(CHANGES)).status_code == 403
    assert reverse(RECORD_VIEWS) not in page


def test_the_logs_filter_by_patient_and_by_user_and_search_by_the_patients_name(client):
    administrator = signed_in(client, CLINIC_ADMINISTRATOR)
    desk = StaffUserFactory(role=FRONT_DESK)
    ours, other = PatientFactory(last_name="Okonkwo"), PatientFactory(last_name="Lindqvist")
    for patient in (ours, other):
        client.get(reverse("admin:clinic_patient_change", args=[patient.pk]))
    client.force_login(desk)
    client.get(reverse("admin:intake_intake_change", args=[submitted_intake(ours).pk]))
    client.force_login(administrator)

    def rows(name, **params):
        return list(client.get(reverse(name), params).context["cl"].result_list)

    assert {view.patient_id for view in rows(RECORD_VIEWS, patient=ours.pk)} == {ours.pk}
    assert {view.user for view in rows(RECORD_VIEWS, user=desk.pk)} == {desk}
    assert {view.patient_id for view in rows(RECORD_VIEWS, q="Okonkwo")} == {ours.pk}
    assert {entry.additional_data["patient_id"] for entry in rows(CHANGES, patient=ours.pk)} == {ours.pk}
    assert {entry.additional_data["patient_id"] for entry in rows(CHANGES, q="Lindqvist")} == {other.pk}
    assert rows(CHANGES, user=desk.pk) == []
    patient_type = ContentType.objects.get_for_model(Patient)
    assert {entry.content_type for entry in rows(CHANGES, record_type=patient_type.pk)} == {patient_type}
    assert client.get(reverse(CHANGES), {"patient": "x' OR 1=1"}).status_code in {200, 302}

    page = client.get(reverse("admin:clinic_patient_change", args=[ours.pk])).content.decode()
    assert (
        f"{reverse(RECORD_VIEWS)}?patient={ours.pk}" in page
        and f"{reverse(CHANGES)}?patient={ours.pk}" in page
    )


def test_both_logs_list_many_rows_in_bounded_queries(client, django_assert_max_num_queries):
    signed_in(client, CLINIC_ADMINISTRATOR)
    staff = [StaffUserFactory(role=role) for role in (FRONT_DESK, CLINICIAN)]
    for n in range(30):
        patient = PatientFactory()
        intake = submitted_intake(patient)
        document = ReferralDocumentFactory(referral=ReferralFactory(patient=patient))
        client.force_login(staff[n % 2])
        client.get(reverse("admin:intake_intake_change", args=[intake.pk]))
        client.get(reverse("referrals:document", args=[document.referral.public_id, document.public_id]))
    client.force_login(StaffUserFactory(is_superuser=True))
    assert RecordView.objects.count() == 60 and LogEntry.objects.count() > 100

    for name in (RECORD_VIEWS, CHANGES):
        for params in ({}, {"patient": Patient.objects.first().pk}, {"user": staff[0].pk}, {"q": "a"}):
            with django_assert_max_num_queries(12):
                assert client.get(reverse(name), params).status_code == 200

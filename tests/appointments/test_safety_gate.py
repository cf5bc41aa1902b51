"""Booking a procedure checks the stored safety screen; only a clinician can override it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, AppointmentEvent, RequestStatus, SafetyOverride
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.factories import AppointmentRequestFactory, StaffUserFactory, stored_safety_screen

from .conftest import local_slot

pytestmark = pytest.mark.django_db


def book(request, physician, **kwargs):
    return services.appointment_book(
        request=request,
        physician=physician,
        starts_at=local_slot(),
        by=StaffUserFactory(role=FRONT_DESK),
        **kwargs,
    )


def book_url(request):
    return reverse("admin:appointments_appointmentrequest_book", args=[request.pk])


def override_url(request):
    return reverse("admin:appointments_appointmentrequest_safety_override", args=[request.pk])


def booking_post(physician, **extra):
    day = local_slot().date()
    return {"physician": physician.pk, "date": day.isoformat(), "start_time": "10:00", **extra}


@pytest.fixture
def procedure_request(location):
    return AppointmentRequestFactory(location=location, visit_type="procedure")


def test_a_procedure_for_a_patient_on_apixaban_is_refused_with_the_reason(procedure_request, physician):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis 5mg"])

    with pytest.raises(ValidationError) as refused:
        book(procedure_request, physician)

    assert "On apixaban (anticoagulant)" in " ".join(refused.value.messages)
    procedure_request.refresh_from_db()
    assert procedure_request.status == RequestStatus.OPEN
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        ({"infection_signs": ["on_antibiotics"]}, "Possible infection"),
        ({"pregnant": "not_sure"}, "Possible pregnancy"),
        ({"pregnant": "yes"}, "Possible pregnancy"),
        ({"devices": ["pacemaker"]}, "radiofrequency"),
        ({"medications": ["Plavix 75"]}, "clopidogrel"),
    ],
)
def test_infection_pregnancy_a_device_or_an_antiplatelet_defer_a_procedure(
    procedure_request, physician, inputs, reason
):
    stored_safety_screen(procedure_request.patient, **inputs)
    with pytest.raises(ValidationError) as refused:
        book(procedure_request, physician)
    assert reason in " ".join(refused.value.messages)


def test_a_device_defers_radiofrequency_ablation_but_not_a_joint_injection(procedure_request, physician):
    stored_safety_screen(procedure_request.patient, devices=["scs_drg_pns"])

    with pytest.raises(ValidationError):
        book(procedure_request, physician, planned_procedure="lumbar_thoracic_facet_rfa")
    appointment = book(procedure_request, physician, planned_procedure="joint_injection")

    assert appointment.planned_procedure == "joint_injection"


def test_a_procedure_with_no_screen_on_record_is_refused(procedure_request, physician):
    with pytest.raises(ValidationError) as refused:
        book(procedure_request, physician)
    assert "No safety screen on record" in " ".join(refused.value.messages)


def test_nothing_to_defer_books_the_procedure(procedure_request, physician):
    stored_safety_screen(procedure_request.patient, medications=["metformin"], diabetes=True)
    assert book(procedure_request, physician).visit_type == "procedure"


@pytest.mark.parametrize("visit_type", ["new_consultation", "follow_up"])
def test_a_consultation_is_never_blocked_by_the_screen(location, physician, visit_type):
    request = AppointmentRequestFactory(location=location, visit_type=visit_type)
    stored_safety_screen(request.patient, medications=["warfarin"], infection_signs=["current_fever"])
    assert book(request, physician).visit_type == visit_type


def test_front_desk_sees_the_reasons_and_no_override_button_and_cannot_override(
    client, procedure_request, physician
):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis"])
    client.force_login(StaffUserFactory(role=FRONT_DESK))

    response = client.post(book_url(procedure_request), booking_post(physician, sedation_planned="on"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Not booked" in content and "On apixaban (anticoagulant)" in content
    assert override_url(procedure_request) not in content
    # What was typed is still in the form.
    assert 'value="10:00"' in content and "checked" in content
    assert client.get(override_url(procedure_request)).status_code == 403
    assert client.post(override_url(procedure_request), {"reason": "I think it is fine"}).status_code == 403
    assert not SafetyOverride.objects.exists()
    with pytest.raises(PermissionDenied):
        services.appointment_safety_override(
            request=procedure_request, by=StaffUserFactory(role=FRONT_DESK), reason="Held for 3 days"
        )


def test_a_clinic_administrator_alone_cannot_override(procedure_request):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis"])
    with pytest.raises(PermissionDenied):
        services.appointment_safety_override(
            request=procedure_request, by=StaffUserFactory(role=CLINIC_ADMINISTRATOR), reason="Held 3 days ok"
        )


def test_a_clinician_override_with_a_reason_allows_the_booking_and_is_shown_on_the_visit(
    client, procedure_request, physician
):
    stored_safety_screen(
        procedure_request.patient, medications=["Eliquis"], infection_signs=["current_fever"]
    )
    clinician = StaffUserFactory(role=CLINICIAN, username="dr_lee")
    client.force_login(clinician)
    request_page = reverse("admin:appointments_appointmentrequest_change", args=[procedure_request.pk])
    assert override_url(procedure_request) in client.get(request_page).content.decode()
    override_page = client.get(override_url(procedure_request)).content.decode()
    assert "On apixaban (anticoagulant)" in override_page and "Possible infection" in override_page

    reason = "Apixaban held 3 days, agreed with cardiology; fever resolved on review"
    response = client.post(override_url(procedure_request), {"reason": reason})
    assert response.status_code == 302

    override = SafetyOverride.objects.get()
    assert override.by == clinician and override.reason == reason and override.rules_version
    assert {"drug:apixaban", "infection_defer"} <= override.overridden_codes
    assert AppointmentEvent.objects.filter(request=procedure_request, action="safety_override").exists()

    appointment = book(procedure_request, physician)
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    visit_page = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    content = visit_page.content.decode()
    assert reason in content and "dr_lee" in content and "On apixaban (anticoagulant)" in content


def test_an_override_does_not_cover_a_reason_that_appears_later(procedure_request, physician):
    stored_safety_screen(
        procedure_request.patient, source_id=procedure_request.public_id, medications=["Eliquis"]
    )
    services.appointment_safety_override(
        request=procedure_request, by=StaffUserFactory(role=CLINICIAN), reason="Apixaban hold agreed"
    )
    stored_safety_screen(
        procedure_request.patient,
        source_id=procedure_request.public_id,
        medications=["Eliquis"],
        pregnant="yes",
    )
    with pytest.raises(ValidationError) as refused:
        book(procedure_request, physician)
    message = " ".join(refused.value.messages)
    assert "Possible pregnancy" in message and "apixaban" not in message


def test_rescheduling_a_procedure_checks_the_screen_again(procedure_request, physician):
    stored_safety_screen(procedure_request.patient, source_id=procedure_request.public_id)
    appointment = book(procedure_request, physician)
    stored_safety_screen(
        procedure_request.patient, source_id=procedure_request.public_id, infection_signs=["on_antibiotics"]
    )
    with pytest.raises(ValidationError) as refused:
        services.appointment_reschedule(
            appointment=appointment, starts_at=local_slot(days_ahead=6), by=StaffUserFactory()
        )
    assert "Possible infection" in " ".join(refused.value.messages)


@pytest.mark.parametrize("reason", ["", "   ", "ok", "x" * 1001])
def test_a_bad_override_reason_gets_a_message_not_a_500(client, procedure_request, reason):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis"])
    client.force_login(StaffUserFactory(role=CLINICIAN))

    response = client.post(override_url(procedure_request), {"reason": reason})

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not SafetyOverride.objects.exists()


def test_booking_and_override_pages_do_a_bounded_number_of_queries(
    client, procedure_request, django_assert_max_num_queries
):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis"], devices=["pacemaker"])
    services.appointment_safety_override(
        request=procedure_request, by=StaffUserFactory(role=CLINICIAN), reason="Hold agreed with GP"
    )
    stored_safety_screen(
        procedure_request.patient, medications=["Eliquis", "warfarin"], devices=["pacemaker"]
    )
    services.appointment_safety_override(
        request=procedure_request, by=StaffUserFactory(role=CLINICIAN), reason="Warfarin hold agreed too"
    )
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    with django_assert_max_num_queries(20):
        assert client.get(book_url(procedure_request)).status_code == 200
    client.force_login(StaffUserFactory(role=CLINICIAN))
    with django_assert_max_num_queries(20):
        assert client.get(override_url(procedure_request)).status_code == 200


def test_the_queue_marks_what_defers_a_procedure(client, procedure_request, django_assert_max_num_queries):
    stored_safety_screen(procedure_request.patient, medications=["Eliquis"], diabetes=True)
    for _ in range(10):
        stored_safety_screen(AppointmentRequestFactory(location=procedure_request.location).patient)
    client.force_login(StaffUserFactory(role=FRONT_DESK))

    with django_assert_max_num_queries(12):
        content = client.get(reverse("admin:appointments_appointmentrequest_changelist")).content.decode()

    assert "Defer a procedure: On apixaban (anticoagulant)" in content

"""The clinician completes the DN4 at the visit (issue 9, point 8).

Spec: the DN4-interview (items 1-7) is self-completed online, a screening aid positive at >= 3/7
that prompts the clinician to examine items 8-10; the full DN4 (10 items) suggests neuropathic
pain at >= 4/10.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from intake.instruments.dn4 import INTERVIEW_KEYS
from intake.models import InstrumentResponse, IntakeEvent, IntakeStatus
from tests.factories import IntakeFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

EXAM_KEYS = ("hypoesthesia_touch", "hypoesthesia_prick", "brushing")


def intake_with_interview(yes_count: int):
    intake = IntakeFactory.create(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())
    answers = {key: index < yes_count for index, key in enumerate(INTERVIEW_KEYS)}
    InstrumentResponse.objects.create(
        intake=intake,
        code="dn4_interview",
        version="1.0",
        answers=answers,
        status="scored",
        total=yes_count,
        band="positive" if yes_count >= 3 else "negative",
    )
    return intake


def exam_url(intake):
    return reverse("admin:intake_intake_dn4_examination", args=[intake.pk])


def exam_post(touch="no", prick="no", brushing="no"):
    return {"hypoesthesia_touch": touch, "hypoesthesia_prick": prick, "brushing": brushing}


@pytest.fixture
def clinician(client, wording_file):
    user = StaffUserFactory(role=CLINICIAN)
    client.force_login(user)
    return user


def test_a_clinician_records_items_8_to_10_and_the_full_dn4_is_scored_positive_at_4(client, clinician):
    intake = intake_with_interview(3)

    response = client.post(exam_url(intake), exam_post(touch="yes"), follow=True)

    assert response.status_code == 200
    dn4 = InstrumentResponse.objects.get(intake=intake, code="dn4")
    assert dn4.total == 4
    assert dn4.band == "positive"
    assert dn4.details["examined_by"] == clinician.username
    assert dn4.answers["hypoesthesia_touch"] is True and dn4.answers["brushing"] is False
    event = IntakeEvent.objects.get(intake=intake, actor=clinician)
    assert "DN4" in event.note
    assert "4/10" in response.content.decode()


def test_three_of_ten_is_not_positive(client, clinician):
    intake = intake_with_interview(3)

    client.post(exam_url(intake), exam_post())

    dn4 = InstrumentResponse.objects.get(intake=intake, code="dn4")
    assert (dn4.total, dn4.band) == (3, "negative")


def test_the_examination_can_be_corrected_and_the_score_follows(client, clinician):
    intake = intake_with_interview(4)
    client.post(exam_url(intake), exam_post(touch="yes", prick="yes", brushing="yes"))

    client.post(exam_url(intake), exam_post())

    assert InstrumentResponse.objects.get(intake=intake, code="dn4").total == 4
    assert IntakeEvent.objects.filter(intake=intake, actor=clinician).count() == 2


@pytest.mark.parametrize("role", [FRONT_DESK, CLINIC_ADMINISTRATOR])
def test_front_desk_and_administrators_cannot_record_the_examination(client, wording_file, role):
    client.force_login(StaffUserFactory(role=role))
    intake = intake_with_interview(5)

    assert client.get(exam_url(intake)).status_code == 403
    assert client.post(exam_url(intake), exam_post(touch="yes")).status_code == 403
    assert not InstrumentResponse.objects.filter(intake=intake, code="dn4").exists()
    change = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()
    assert exam_url(intake) not in change


@pytest.mark.parametrize(
    "data",
    [
        {"hypoesthesia_touch": "yes", "hypoesthesia_prick": "no"},
        {"hypoesthesia_touch": "maybe", "hypoesthesia_prick": "no", "brushing": "no"},
        {},
    ],
)
def test_an_incomplete_or_impossible_examination_is_refused_with_a_message(client, clinician, data):
    intake = intake_with_interview(3)

    response = client.post(exam_url(intake), data)

    assert response.status_code == 200
    assert "Please choose yes or no." in response.content.decode()
    assert not InstrumentResponse.objects.filter(intake=intake, code="dn4").exists()


def test_without_a_complete_interview_the_dn4_is_not_scored_and_the_page_says_why(client, clinician):
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())

    response = client.post(exam_url(intake), exam_post(touch="yes"))

    assert response.status_code == 200
    assert "DN4-interview (items 1-7) is not complete" in response.content.decode()
    assert not InstrumentResponse.objects.filter(intake=intake, code="dn4").exists()


def test_a_draft_intake_cannot_be_examined(client, clinician):
    intake = intake_with_interview(4)
    intake.status = IntakeStatus.DRAFT
    intake.submitted_at = None
    intake.save()

    response = client.post(exam_url(intake), exam_post(touch="yes"))

    assert "has not submitted" in response.content.decode()
    assert not InstrumentResponse.objects.filter(intake=intake, code="dn4").exists()


def test_an_id_that_is_no_intake_is_a_404_not_a_500(client, clinician):
    assert client.get("/staff/intake/intake/not-a-number/dn4-examination/").status_code == 404


def test_without_the_licensed_wording_the_page_says_why_and_records_nothing(client, clinician, settings):
    settings.INSTRUMENT_WORDING_FILE = ""
    intake = intake_with_interview(4)

    response = client.post(exam_url(intake), exam_post(touch="yes"))

    assert response.status_code == 200
    assert "licensed wording is not available" in response.content.decode()
    assert not InstrumentResponse.objects.filter(intake=intake, code="dn4").exists()


def test_an_interview_of_3_or_more_prompts_the_examination_on_the_intake_page_and_the_list(client, clinician):
    due = intake_with_interview(3)
    not_due = intake_with_interview(2)

    page = client.get(reverse("admin:intake_intake_change", args=[due.pk])).content.decode()
    assert "examine DN4 items 8-10" in page
    assert exam_url(due) in page
    calm = client.get(reverse("admin:intake_intake_change", args=[not_due.pk])).content.decode()
    assert "examine DN4 items 8-10" not in calm

    listing = client.get(reverse("admin:intake_intake_changelist")).content.decode()
    assert listing.count("DN4 examination due") == 1


def test_once_recorded_the_prompt_gives_way_to_the_result(client, clinician):
    intake = intake_with_interview(3)
    client.post(exam_url(intake), exam_post(brushing="yes"))

    page = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()
    assert "examine DN4 items 8-10" not in page
    assert "DN4 recorded: 4/10 (positive)" in page
    listing = client.get(reverse("admin:intake_intake_changelist")).content.decode()
    assert "DN4 examination due" not in listing


@pytest.mark.parametrize("count", [2, 12])
def test_the_examination_page_and_the_list_marker_do_a_bounded_number_of_queries(
    client, clinician, django_assert_max_num_queries, count
):
    intakes = [intake_with_interview(3) for _ in range(count)]
    with django_assert_max_num_queries(12):
        client.get(exam_url(intakes[0]))
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("admin:intake_intake_changelist"))
    assert listing.content.decode().count("DN4 examination due") == count

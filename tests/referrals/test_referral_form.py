import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic.core.models import Upload
from referrals.models import QueuePriority, Referral, ReferralEvent
from tests.factories import ReferringProviderFactory

from .conftest import pdf, png, red_flag_answers, referral_post

pytestmark = pytest.mark.django_db


def submit(client, data, files=()):
    payload = dict(data)
    if files:
        payload["documents"] = list(files)
    return client.post(reverse("referrals:new"), payload)


def test_a_complete_referral_with_documents_is_submitted_and_acknowledged(
    provider_client, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(provider_client, referral_post(), [pdf(), png()])

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.public_id])
    assert referral.provider == provider
    assert referral.status == "submitted"
    assert referral.diagnosis_codes == ["M54.16", "M51.26"]
    assert referral.patient_language == "es"
    assert [d.upload.original_name for d in referral.documents.select_related("upload")] == [
        "notes.pdf",
        "scan.png",
    ]
    assert ReferralEvent.objects.filter(referral=referral, to_status="submitted").count() == 1
    # The safety screen of clinic.core.clinical ran on the answers.
    codes = {flag["code"] for flag in referral.safety_flags}
    assert {"drug:apixaban", "device:pacemaker", "diabetes"} <= codes

    (message,) = mail.outbox
    assert message.to == [provider.user.email]
    assert referral.number in message.subject and "ML" in message.body
    assert "Lopez" not in message.body and "Maria" not in message.body and "M54.16" not in message.body


def test_a_double_submission_makes_one_referral_and_one_email(
    provider_client, django_capture_on_commit_callbacks
):
    data = referral_post()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(provider_client, data)
        second = submit(provider_client, data)

    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("diagnosis_codes", "M54.1", "not a billable code"),
        ("diagnosis_codes", "ZZZ.99", "not an ICD-10-CM code"),
        ("diagnosis_codes", "", "This field is required"),
        ("patient_date_of_birth", "2999-01-01", "cannot be in the future"),
        ("patient_date_of_birth", "1890-01-01", "more than 120 years ago"),
        ("patient_last_name", "", "This field is required"),
        ("rf_bowel_incontinence", "", "This field is required"),
        ("blood_thinner_names", "", "Name the blood thinner"),
    ],
)
def test_bad_input_gets_a_message_by_the_field_and_keeps_everything_typed(
    provider_client, field, value, message
):
    response = submit(provider_client, referral_post(**{field: value}))

    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, []))
    content = response.content.decode()
    assert 'value="XJH123456789"' in content  # the insurance member id is still there
    assert Referral.objects.count() == 0


def test_documents_of_a_failed_submit_are_kept_and_used_on_the_next_one(provider_client):
    response = submit(provider_client, referral_post(diagnosis_codes="M54.1"), [pdf("mri-report.pdf")])

    assert response.status_code == 400
    content = response.content.decode()
    assert "mri-report.pdf" in content
    tokens = re.findall(r'name="kept_documents" value="([^"]+)"', content)
    assert len(tokens) == 1
    assert Upload.objects.count() == 1

    response = submit(provider_client, referral_post(kept_documents=tokens))

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert [d.upload.original_name for d in referral.documents.all()] == ["mri-report.pdf"]
    assert Upload.objects.count() == 1  # not asked for, nor stored, twice


def test_a_kept_document_token_from_another_session_opens_nothing(client, provider_client):
    response = submit(provider_client, referral_post(diagnosis_codes="M54.1"), [pdf("theirs.pdf")])
    token = re.findall(r'name="kept_documents" value="([^"]+)"', response.content.decode())[0]

    other = ReferringProviderFactory()
    client.force_login(other.user)
    response = submit(client, referral_post(kept_documents=[token]))

    assert response.status_code == 302
    assert Referral.objects.get(provider=other).documents.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03 this is a Windows executable"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("../../etc/passwd.png", b"root:x:0:0"),
    ],
)
def test_a_file_that_is_not_really_a_pdf_jpeg_or_png_is_refused(provider_client, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = submit(provider_client, referral_post(), [upload])

    assert response.status_code == 400
    assert response.context["form"].errors["documents"]
    assert Upload.objects.count() == 0
    assert Referral.objects.count() == 0


def test_a_file_over_the_size_cap_is_refused(provider_client, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = submit(provider_client, referral_post(), [pdf(content=b"%PDF-1.4\n" + b"x" * 200)])
    assert "larger than" in " ".join(response.context["form"].errors["documents"])


def test_an_emergency_red_flag_tells_the_referrer_at_once_and_tops_the_queue(provider_client):
    data = referral_post(**{f"rf_{k}": v for k, v in red_flag_answers(saddle_numbness="not_sure").items()})
    response = submit(provider_client, data)

    referral = Referral.objects.get()
    assert referral.red_flag_tier == "emergency"
    assert referral.queue_priority == QueuePriority.EMERGENCY_RED_FLAG
    page = provider_client.get(response["Location"]).content.decode()
    assert "not an emergency service" in page and "911" in page


def test_the_form_offers_the_red_flag_message_before_submitting(provider_client):
    content = provider_client.get(reverse("referrals:new")).content.decode()
    assert 'id="red-flag-alert"' in content and "not an emergency service" in content
    assert 'data-red-flag-tier="emergency"' in content
    assert "referrals/referral-form.js" in content


def test_urgent_referrals_come_before_routine_ones(provider_client):
    submit(provider_client, referral_post(urgency="urgent"))
    assert Referral.objects.get().queue_priority == QueuePriority.URGENT


def test_a_provider_awaiting_verification_can_submit_and_staff_see_it_marked(client):
    provider = ReferringProviderFactory(verified_at=None)
    client.force_login(provider.user)
    response = submit(client, referral_post())

    assert response.status_code == 302
    event = ReferralEvent.objects.get()
    assert event.note == "Awaiting provider verification"
    assert "awaiting provider verification" in client.get(response["Location"]).content.decode()


def test_a_provider_must_confirm_the_email_before_sending_a_referral(client):
    provider = ReferringProviderFactory(email_verified_at=None)
    client.force_login(provider.user)

    response = submit(client, referral_post())

    assert response.status_code == 200
    assert "Confirm your email address first" in response.content.decode()
    assert Referral.objects.count() == 0


def test_the_code_search_answers_signed_in_referrers_only(client, provider):
    url = reverse("referrals:icd10")
    assert client.get(url, {"q": "sciatica"}).status_code == 403

    client.force_login(provider.user)
    results = client.get(url, {"q": "lumbar radiculopathy"}).json()["results"]

    assert results[0] == {"code": "M54.16", "description": "Radiculopathy, lumbar region"}

"""Hypothesis fuzzing of every form a patient or provider can reach, through its real page.

Each form is found by one walk (the form modules, as tests/test_input_lengths.py walks them, the
account forms, and the forms of the URL conf's class-based views); a form that is neither listed in
TARGETS with the page that shows it nor set aside as staff-only fails the first test, by name.

For each target, Hypothesis starts from a valid submission and replaces some fields with values
drawn for the field's type: text with any unicode (control characters and NUL included), huge
text and text one past the field's limit, numbers as text, dates malformed and at the calendar's
ends, valid and invalid choices, lists where one value is expected, and for file fields random
bytes and real images and PDFs cut short. Through the page (test client, rate limits off) the answer
is never a server error: it is the form again (200, or 400 where the page says so) with each error
written on the page and what was typed in each text box kept (not passwords or files; a hidden
field's error, which only a forged post meets, need not be shown), or the submission taken (a
redirect, or the page that says what happens next). The same data given to the form class
directly never makes is_valid() raise, and what it cleans fits the columns it is kept in, with no
NUL (which PostgreSQL refuses in text and JSON).

The examples per form are bounded by the "form-fuzz" profile (FORM_FUZZ_EXAMPLES to change it),
and derandomized, so CI runs the same examples every time. Each example runs in a savepoint that is
rolled back, so one example's account, referral or submission does not change the next.
"""

import datetime
import inspect
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumber_field.formfields import PhoneNumberField

import appointments.forms
import clinic.core.accounts
import clinic.core.forms
import intake.forms
import referrals.forms
from appointments import tokens as appointment_tokens
from clinic.core.honeypot import HONEYPOT_FIELD
from clinic.core.second_factor import enrolment_device
from intake.steps import STEPS_BY_SLUG
from intake.tokens import resume_token
from tests import test_input_lengths
from tests.appointments.conftest import local_slot
from tests.clients import current_code
from tests.data import hostile
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    LocationFactory,
    ReferralFactory,
    ReferringProviderFactory,
    StaffUserFactory,
    open_every_day,
)
from tests.fuzz import End, end_of, fuzz_client
from tests.intake import helpers as intake_helpers
from tests.referrals.conftest import referral_post

# These send each page hundreds of requests to check its answers; its rate limit is tested elsewhere.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rate_limits")]

settings.register_profile(
    "form-fuzz",
    max_examples=int(os.environ.get("FORM_FUZZ_EXAMPLES", "50")),
    deadline=None,
    derandomize=True,
    database=None,
    # The world is made once per test; each example runs in a savepoint rolled back after it.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)
FUZZ = settings.get_profile("form-fuzz")

# Examples run, by form and by how each page ended, printed by the last test (run with -s to see
# them) and kept as its JUnit property.
EXAMPLES: Counter[str] = Counter()


# --- Discovery: every form a patient or provider reaches -------------------------------------------

FORM_MODULES = [*test_input_lengths.MODULES, clinic.core.accounts, clinic.core.forms]

# Bases and mixins: never shown on their own.
BASES = {
    intake.forms.StepForm,
    intake.forms.TreatmentRowForm,
    clinic.core.accounts.SignInLimitsMixin,
    clinic.core.accounts.PasswordResetRequestForm,
    clinic.core.forms.NothingCutForm,
}
# Forms only signed-in staff reach (the admin's), fuzzed by the admin's own tests.
STAFF_ONLY = {
    *(
        test_input_lengths.NOT_PUBLIC
        - BASES
        - {
            referrals.forms.ProviderLoginForm,
            referrals.forms.ProviderPasswordResetForm,
            referrals.forms.SecondFactorProofForm,
        }
    ),
}


def _view_forms(resolver: URLResolver | None = None) -> set[type[forms.BaseForm]]:
    """The form classes named by the URL conf's class-based views (Django's own included)."""
    found = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found |= _view_forms(pattern)
            continue
        assert isinstance(pattern, URLPattern)
        view_class = getattr(pattern.callback, "view_class", None)
        # A sign-in view uses its authentication_form in place of its form_class.
        candidate = getattr(view_class, "authentication_form", None) or getattr(
            view_class, "form_class", None
        )
        if inspect.isclass(candidate) and issubclass(candidate, forms.BaseForm):
            found.add(candidate)
    return found


def discovered_forms() -> set[type[forms.BaseForm]]:
    found = set().union(*(test_input_lengths.forms_defined_in(module) for module in FORM_MODULES))
    return found | _view_forms()


# --- Drawing values for a field ---------------------------------------------------------------------

# Any character but a lone surrogate (which no browser can send): control characters, NUL, the
# marks that reverse text, emoji, every script.
CHARACTERS = st.characters(exclude_categories=["Cs"])
EDGE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "line one\nline two",
    "\t",
    "\u202eevil",
    "\ufeff",
    "\u200b",
    "🙂",
    "👩‍⚕️",
    "Zoë O'Brien-Ñúñez",
    "李小龙",
    "محمد",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "{{ 7|add:7 }}",
    "%(name)s %s {0}",
    "../../etc/passwd",
    "NULL",
    "None",
    "true",
]
NUMBER_TEXT = [
    "0",
    "-0",
    "-1",
    "1",
    "1.5",
    "1,5",
    "1e999",
    "-1e999",
    "NaN",
    "inf",
    "0x10",
    "١٢",
    "9" * 40,
    "-" + "9" * 40,
    " 7 ",
]
DATE_TEXT = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "10000-01-01",
    "-0001-01-01",
    "2024-02-29",
    "2023-02-29",
    "2024-02-30",
    "2024-13-01",
    "2024-00-10",
    "2024-1-1",
    "20240101",
    "2024-03",
    "03/2024",
    "12/31/2024",
    "31/12/2024",
    "31.12.2024",
    "2024-12-31T23:59:59",
    "2024-12-31 25:61",
    "yesterday",
]


def text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(CHARACTERS, max_size=max_size)


def huge(field: forms.Field) -> st.SearchStrategy[str]:
    """Text at, just past and far past the field's limit, of one drawn character or of many."""
    limit = getattr(field, "max_length", None) or 200
    lengths = st.sampled_from([limit, limit + 1, 20_000])
    one_char = st.tuples(st.sampled_from("a9 é🙂\x00-"), lengths).map(lambda pair: pair[0] * pair[1])
    return st.one_of(one_char, st.tuples(text(20).filter(bool), lengths).map(lambda p: (p[0] * p[1])[: p[1]]))


def dates() -> st.SearchStrategy[str]:
    today = timezone.localdate()
    near = [today + datetime.timedelta(days=days) for days in (-1, 0, 1, 366)]
    return st.one_of(
        st.dates().map(datetime.date.isoformat),
        st.sampled_from([day.isoformat() for day in near] + DATE_TEXT),
        st.dates().map(lambda day: day.strftime("%m/%d/%Y")),
        st.dates().map(lambda day: day.strftime("%Y-%m")),
    )


def numbers(field: forms.Field) -> st.SearchStrategy[str]:
    edges = [
        str(value + step)
        for value in (getattr(field, "min_value", None), getattr(field, "max_value", None))
        if value is not None
        for step in (-1, 0, 1)
    ]
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(NUMBER_TEXT + edges),
    )


def choice_values(field: forms.ChoiceField) -> list[str]:
    values = []
    for value, label in cast(Iterable[tuple[Any, Any]], field.choices):
        if isinstance(label, list | tuple):  # an optgroup
            values += [str(inner) for inner, _label in label]
        else:
            values.append(str(value))
    return values or ["?"]


@dataclass(frozen=True)
class Upload:
    """A file to post: built afresh for each request, since posting reads it."""

    name: str
    content: bytes
    content_type: str

    def file(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.content, content_type=self.content_type)


GOOD_FILES = {
    "card.jpg": hostile.jpeg((24, 16)),
    "card.png": hostile.png((16, 16)),
    "letter.pdf": hostile.pdf(),
}
FILE_NAMES = [
    "card.jpg",
    "card.png",
    "letter.pdf",
    "scan.PDF",
    "noextension",
    "a" * 300 + ".png",
    "../../etc/passwd.pdf",
    "名前.jpg",
    "x\x00.pdf",
    ".png",
]
CONTENT_TYPES = ["image/jpeg", "image/png", "application/pdf", "text/html", "application/octet-stream", ""]


@st.composite
def uploads(draw) -> Upload:
    kind = draw(st.sampled_from(["random", "cut", "whole", "empty"]))
    if kind == "random":
        content = draw(st.binary(max_size=2048))
    elif kind == "empty":
        content = b""
    else:
        content = GOOD_FILES[draw(st.sampled_from(sorted(GOOD_FILES)))]
        if kind == "cut":
            content = content[: draw(st.integers(0, len(content) - 1))]
    return Upload(draw(st.sampled_from(FILE_NAMES)), content, draw(st.sampled_from(CONTENT_TYPES)))


# Domains in other scripts, as an address may have them; "İ" is two characters once in lower case.
UNICODE_DOMAINS = ["İstanbul.example", "BÜCHER.example", "bücher.example", "例え.jp", "EXAMPLE.COM"]


def emails_at_the_limit(field: forms.EmailField) -> st.SearchStrategy[str]:
    """Addresses exactly as long as the field takes, and one longer, with domains in other scripts."""
    limit = field.max_length or 254
    return st.tuples(st.sampled_from(UNICODE_DOMAINS), st.sampled_from([0, 1])).map(
        lambda pair: "a" * (limit - len(pair[0]) - 1 + pair[1]) + "@" + pair[0]
    )


def _typed_value(field: forms.Field) -> st.SearchStrategy[str]:  # noqa: PLR0911 (one return per type)
    """Values of the field's own type, valid and not."""
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return dates()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return numbers(field)
    if isinstance(field, forms.ModelChoiceField):
        queryset = field.queryset if field.queryset is not None else []
        pks = [str(getattr(row, "pk", row)) for row in list(queryset)[:5]]
        return st.sampled_from([*pks, "0", "-1", "999999", "abc"])
    if isinstance(field, forms.ChoiceField):
        return st.one_of(st.sampled_from(choice_values(field)), text(12))
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "off", "true", "false", "True", "0", "1", "", "yes"])
    if isinstance(field, forms.EmailField):
        return st.one_of(
            st.emails().map(str),
            emails_at_the_limit(field),
            st.emails().map(lambda address: f"  {address.upper()} "),
            st.sampled_from(["a@b", "@example.com", "a@@b.co", "a b@c.co", "a@b.co\r\nBcc: x@y.z"]),
        )
    if isinstance(field, forms.UUIDField):
        return st.one_of(st.uuids().map(str), st.sampled_from(["not-a-uuid", "0" * 32, "{}"]))
    if isinstance(field, PhoneNumberField):
        return st.sampled_from(
            [
                "(217) 555-0143",
                "+12175550143",
                "217.555.0143 ext. 12",
                "(217) 555-0143 x" + "9" * 40,
                "555",
                "+999999999999999",
                "tel:+1-217-555-0143",
                "+44 20 7946 0958",
            ]
        )
    return text()


def value_for(field: forms.Field) -> st.SearchStrategy[Any]:
    """What a person, a broken browser or a forger might post in the field."""
    if isinstance(field, forms.FileField):
        if isinstance(field.widget, forms.ClearableFileInput) and field.widget.allow_multiple_selected:
            return st.lists(uploads(), min_size=1, max_size=3)
        # A text value where a file is expected is no file at all.
        return st.one_of(uploads(), st.sampled_from(["", "notafile"]))
    single = st.one_of(
        _typed_value(field),
        text(),
        st.sampled_from(EDGE_TEXT),
        st.sampled_from(NUMBER_TEXT),
        huge(field),
    )
    if isinstance(field, forms.MultipleChoiceField):
        valid = choice_values(field)
        return st.one_of(
            st.lists(st.sampled_from(valid), max_size=len(valid) + 1),
            st.lists(st.one_of(st.sampled_from(valid), text(8)), max_size=4),
            single,
        )
    # A list where one value is expected: the page reads the last one.
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


# --- The pages ---------------------------------------------------------------------------------------


class World:
    """What the pages need, made once per test on first use."""

    @cached_property
    def location(self):
        return open_every_day(LocationFactory())

    @cached_property
    def provider(self):
        return ReferringProviderFactory()

    @cached_property
    def referral(self):
        return ReferralFactory(provider=self.provider)

    @cached_property
    def intake(self):
        """An intake with every step saved, so that the review page can be submitted."""
        record = IntakeFactory()
        client = fuzz_client()
        client.get(reverse("intake:resume", args=[resume_token(record.public_id)]))
        intake_helpers.walk_to_questionnaires(client, record)
        for slug, data in (
            ("questionnaires", intake_helpers.questionnaires(record)),
            ("goals", intake_helpers.goals()),
        ):
            response = client.post(reverse("intake:step", args=[record.public_id, slug]), data)
            assert response.status_code == 302, slug
        record.refresh_from_db()
        return record

    @cached_property
    def booked_request(self):
        from appointments import services
        from tests.factories import PhysicianFactory

        physician = PhysicianFactory()
        physician.locations.add(self.location)
        request = AppointmentRequestFactory(location=self.location)
        services.appointment_book(request=request, physician=physician, starts_at=local_slot(7), by=None)
        return request

    @cached_property
    def enrolling(self):
        """A provider setting up the second step: the app's device made, not yet confirmed."""
        provider = ReferringProviderFactory()
        return provider, enrolment_device(provider.user)

    @cached_property
    def provider_with_app(self):
        """A provider who turned the second step on (signed in past it by the test client)."""
        provider = ReferringProviderFactory()
        TOTPDevice.objects.create(user=provider.user, name="Authenticator app", confirmed=True)
        return provider

    @cached_property
    def staff(self):
        user = StaffUserFactory()
        user.set_password("a-long-staff-password")
        user.save()
        return user


def _request():
    """A request for the sign-in forms, which check the password with it (django-axes needs one)."""
    request = RequestFactory().post("/")
    request.session = {}
    return request


def anonymous(world: World):
    return fuzz_client()


def as_provider(world: World):
    return fuzz_client(world.provider.user)


def intake_opened(world: World):
    client = fuzz_client()
    client.get(reverse("intake:resume", args=[resume_token(world.intake.public_id)]))
    return client


@dataclass
class Target:
    """A form, the page that shows it, and how to fill it validly."""

    form_class: type[forms.BaseForm]
    url: Callable[[World], str]
    base: Callable[[World], dict]
    # The form as its page builds it, from data and files.
    build: Callable[[World, Any, Any], forms.BaseForm]
    client: Callable[[World], Any] = anonymous
    # Where a submission that is taken ends; a refused one is always the form again.
    ends: frozenset = frozenset({End.REDIRECT})
    # The pages (templates) that may answer a taken submission with 200.
    pages: tuple[str, ...] = ()
    # The formsets on the page: prefix -> row form class.
    formsets: dict[str, type[forms.BaseForm]] = field(default_factory=dict)
    # Set up the client before it posts (a reset link opened, say); gives the URL to post to.
    before: Callable[[World, Any], str] | None = None
    # The form shows no errors by design (it says the same whatever was sent).
    silent: bool = False
    # What of the world it needs, made before the examples (an example's own writes are rolled back).
    uses: tuple[str, ...] = ()
    # A browser of its own for each example: a taken submission signs in anew (a new session, which
    # the rollback would leave the shared browser without).
    fresh_client: bool = False

    @property
    def name(self) -> str:
        return self.form_class.__name__


def _step(slug: str, base: Callable[[World], dict], form_class, **extra) -> Target:
    def build(world, data, files):
        return STEPS_BY_SLUG[slug].form(world.intake, data, files)

    return Target(
        form_class=form_class,
        url=lambda world: reverse("intake:step", args=[world.intake.public_id, slug]),
        base=base,
        build=build,
        client=intake_opened,
        uses=("intake",),
        # A warning sign answered yes, or "save for later", ends on a page of its own.
        ends=frozenset({End.REDIRECT, End.PAGE}),
        pages=("intake/urgent_help.html", "intake/saved_for_later.html"),
        **extra,
    )


def _registration(world: World) -> dict:
    return {
        "first_name": "Ann",
        "last_name": "Grey",
        "credentials": "MD",
        "npi": "9876543213",
        "email": "ann@practice.example",
        "practice_name": "Grey Family Medicine",
        "address_line1": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "(217) 555-0100",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
    }


def _appointment_request(world: World) -> dict:
    earliest = timezone.localdate() + datetime.timedelta(days=3)
    return {
        "submission_key": "6f0b7a4e-8a7e-4a38-9b39-0c6f0f1e2d3c",
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": "1961-04-12",
        "email": "maria.lopez@mail.example",
        "visit_type": "new_consultation",
        "location": str(world.location.pk),
        "preferred_days": ["mon"],
        "time_windows": ["morning"],
        "earliest_date": earliest.isoformat(),
        "contact_preference": "email",
        "phone": "",
        "reason": "Back pain",
    }


def _reset_link_opened(world: World, client) -> str:
    """Open a provider's reset link as the email gives it; the page to post to is where it leads."""
    user = world.provider.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(
        reverse("referrals:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    )
    assert response.status_code == 302, response.status_code
    return response["Location"]


def _cancel_path(world: World) -> str:
    request = world.booked_request
    return reverse(
        "appointments:cancel", args=[request.public_id, appointment_tokens.manage_token(request.public_id)]
    )


TARGETS = [
    Target(
        intake.forms.StartForm,
        url=lambda world: reverse("intake:start"),
        base=lambda world: {
            "first_name": "Ann",
            "last_name": "Grey",
            "date_of_birth": "1970-05-06",
            "email": "ann@mail.example",
        },
        build=lambda world, data, files: intake.forms.StartForm(data),
        ends=frozenset({End.PAGE}),
        pages=("intake/check_email.html",),
    ),
    Target(
        intake.forms.ResendLinkForm,
        url=lambda world: reverse("intake:resend_link"),
        base=lambda world: {"token": resume_token(world.intake.public_id)},
        build=lambda world, data, files: intake.forms.ResendLinkForm(data),
        uses=("intake",),
        ends=frozenset({End.PAGE}),
        pages=("intake/check_email.html",),
        silent=True,
    ),
    _step("about", lambda world: intake_helpers.about(world.intake), intake.forms.AboutForm),
    _step("insurance", lambda world: intake_helpers.insurance(), intake.forms.InsuranceForm),
    _step("pain", lambda world: intake_helpers.pain(), intake.forms.PainForm),
    _step(
        "treatments",
        lambda world: intake_helpers.treatments(
            injections=[{"kind": "epidural_steroid", "date": "2024-03", "relief_percent": "40"}],
            surgeries=[{"procedure": "Discectomy", "date": "2019-06"}],
        ),
        intake.forms.TreatmentsForm,
        formsets={"injection": intake.forms.InjectionForm, "surgery": intake.forms.SurgeryForm},
    ),
    _step(
        "medications",
        lambda world: intake_helpers.medications(),
        intake.forms.MedicationsForm,
        formsets={"med": intake.forms.MedicationForm, "allergy": intake.forms.AllergyForm},
    ),
    _step("history", lambda world: intake_helpers.history(), intake.forms.HistoryForm),
    _step(
        "questionnaires",
        lambda world: intake_helpers.questionnaires(world.intake),
        intake.forms.QuestionnairesForm,
    ),
    _step("goals", lambda world: intake_helpers.goals(), intake.forms.GoalsForm),
    Target(
        intake.forms.ConsentForm,
        url=lambda world: reverse("intake:review", args=[world.intake.public_id]),
        base=lambda world: {
            "consent_name": world.intake.full_name,
            "consent_privacy": "on",
            "consent_financial": "on",
        },
        build=lambda world, data, files: intake.forms.ConsentForm(data),
        client=intake_opened,
        uses=("intake",),
    ),
    Target(
        referrals.forms.ProviderRegistrationForm,
        url=lambda world: reverse("referrals:register"),
        base=_registration,
        build=lambda world, data, files: referrals.forms.ProviderRegistrationForm(data),
    ),
    Target(
        referrals.forms.ProviderLoginForm,
        url=lambda world: reverse("referrals:login"),
        base=lambda world: {"username": world.provider.user.email, "password": "a-long-test-password"},
        build=lambda world, data, files: referrals.forms.ProviderLoginForm(_request(), data),
        uses=("provider",),
    ),
    Target(
        referrals.forms.ProviderPasswordResetForm,
        url=lambda world: reverse("referrals:password_reset"),
        base=lambda world: {"email": world.provider.user.email},
        build=lambda world, data, files: referrals.forms.ProviderPasswordResetForm(data),
        uses=("provider",),
    ),
    Target(
        SetPasswordForm,
        url=lambda world: "",
        base=lambda world: {
            "new_password1": "another long passphrase 42",
            "new_password2": "another long passphrase 42",
        },
        build=lambda world, data, files: SetPasswordForm(world.provider.user, data),
        before=_reset_link_opened,
        uses=("provider",),
    ),
    Target(
        # The second step's code: here as the provider turns it on (the sign-in's step takes the same).
        clinic.core.forms.SecondFactorForm,
        url=lambda world: reverse("referrals:second_factor_enrol"),
        base=lambda world: {"code": current_code(world.enrolling[1])},
        build=lambda world, data, files: clinic.core.forms.SecondFactorForm(data),
        client=lambda world: fuzz_client(world.enrolling[0].user),
        fresh_client=True,
        ends=frozenset({End.PAGE}),
        pages=("referrals/second_factor_codes.html",),
        uses=("enrolling",),
    ),
    Target(
        referrals.forms.SecondFactorProofForm,
        url=lambda world: reverse("referrals:second_factor_new_codes"),
        base=lambda world: {"password": "a-long-test-password"},
        build=lambda world, data, files: referrals.forms.SecondFactorProofForm(
            world.provider_with_app.user, data
        ),
        client=lambda world: fuzz_client(world.provider_with_app.user),
        ends=frozenset({End.PAGE}),
        pages=("referrals/second_factor_codes.html",),
        uses=("provider_with_app",),
    ),
    Target(
        referrals.forms.ReferralForm,
        url=lambda world: reverse("referrals:new"),
        base=lambda world: referral_post(),
        build=lambda world, data, files: referrals.forms.ReferralForm(data, files),
        client=as_provider,
        uses=("provider", "location"),
    ),
    Target(
        referrals.forms.AddDocumentForm,
        url=lambda world: reverse("referrals:add_documents", args=[world.referral.public_id]),
        base=lambda world: {"documents": [Upload("letter.pdf", GOOD_FILES["letter.pdf"], "application/pdf")]},
        build=lambda world, data, files: referrals.forms.AddDocumentForm(data, files),
        client=as_provider,
        uses=("referral",),
    ),
    Target(
        referrals.forms.CancelReferralForm,
        url=lambda world: reverse("referrals:cancel", args=[world.referral.public_id]),
        base=lambda world: {"note": "Seen elsewhere"},
        build=lambda world, data, files: referrals.forms.CancelReferralForm(data),
        client=as_provider,
        uses=("referral",),
    ),
    Target(
        appointments.forms.AppointmentRequestForm,
        url=lambda world: reverse("request_appointment"),
        base=_appointment_request,
        build=lambda world, data, files: appointments.forms.AppointmentRequestForm(data),
        uses=("location",),
    ),
    Target(
        # Defined for the patient's cancel button, which the cancel page posts without it.
        appointments.forms.AppointmentCancelForm,
        url=_cancel_path,
        base=lambda world: {"confirm": "True"},
        build=lambda world, data, files: appointments.forms.AppointmentCancelForm(data),
        uses=("booked_request",),
    ),
    Target(
        # The staff sign-in and reset pages are public: anyone may reach and post to them.
        clinic.core.accounts.StaffSignInForm,
        url=lambda world: "/staff/login/",
        base=lambda world: {"username": world.staff.username, "password": "a-long-staff-password"},
        build=lambda world, data, files: clinic.core.accounts.StaffSignInForm(_request(), data),
        uses=("staff",),
    ),
    Target(
        clinic.core.accounts.StaffPasswordResetForm,
        url=lambda world: reverse("admin_password_reset"),
        base=lambda world: {"email": world.staff.email},
        build=lambda world, data, files: clinic.core.accounts.StaffPasswordResetForm(data),
        uses=("staff",),
    ),
]
TARGETS_BY_NAME = {target.name: target for target in TARGETS}
ROW_FORMS = {form_class for target in TARGETS for form_class in target.formsets.values()}


def test_every_form_a_patient_or_provider_reaches_is_fuzzed():
    covered = {target.form_class for target in TARGETS} | ROW_FORMS
    missing = discovered_forms() - covered - STAFF_ONLY - BASES
    assert not missing, "not fuzzed (add a Target, or list it as staff-only): " + ", ".join(
        sorted(form_class.__name__ for form_class in missing)
    )
    assert not (covered & STAFF_ONLY)


# --- One example -------------------------------------------------------------------------------------


def _fields(form: forms.BaseForm) -> dict[str, forms.Field]:
    return {name: f for name, f in form.fields.items() if name != HONEYPOT_FIELD}


@st.composite
def submissions(draw, target: Target, world: World) -> dict:
    """The valid submission with some fields replaced by drawn values, some dropped."""
    body = dict(target.base(world))
    fields = dict(_fields(target.build(world, None, None)))
    for prefix, row_form in target.formsets.items():
        rows = draw(st.integers(1, 2))
        body[f"{prefix}-TOTAL_FORMS"] = str(rows)
        body.setdefault(f"{prefix}-INITIAL_FORMS", "0")
        for index in range(rows):
            for name, row_field in _fields(row_form(prefix=f"{prefix}-{index}")).items():
                fields[f"{prefix}-{index}-{name}"] = row_field
    names = sorted(fields)
    for name in draw(st.lists(st.sampled_from(names), max_size=max(1, len(names) // 2), unique=True)):
        if draw(st.integers(0, 9)) == 0:
            body.pop(name, None)
        else:
            body[name] = draw(value_for(fields[name]))
    return body


def _as_posted(body: dict) -> dict:
    def one(value):
        if isinstance(value, Upload):
            return value.file()
        if isinstance(value, list):
            return [one(item) for item in value]
        return value

    return {name: one(value) for name, value in body.items()}


def _as_form_data(body: dict) -> tuple[QueryDict, MultiValueDict]:
    """The data and files as Django hands them to a view (every value a list under its key)."""
    data, files = QueryDict(mutable=True), MultiValueDict[str, SimpleUploadedFile]()
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, Upload):
                files.appendlist(name, item.file())
            else:
                data.appendlist(name, item)
    return data, files


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _Controls(HTMLParser):
    """The values of the page's text boxes, by name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], []).append(attributes.get("value") or "")
        elif tag == "textarea" and attributes.get("name"):
            self._textarea = attributes["name"]
            self.values.setdefault(self._textarea, []).append("")

    def handle_data(self, data):
        if self._textarea is not None:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self.values[self._textarea][-1]
            # Django's textarea starts with a line break, which a browser drops.
            self.values[self._textarea][-1] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def _bound_forms(response) -> list[forms.BaseForm]:
    found = []
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in filter(None, contexts):
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value not in found:
                found.append(value)
            if isinstance(value, forms.BaseFormSet) and value.is_bound:
                found += [row for row in value.forms if row not in found]
    return found


def _typed(form: forms.BaseForm, name: str) -> bool:
    """A box a person types text into, whose text the page should give back."""
    text_field = form.fields[name]
    if not isinstance(text_field, forms.CharField) or isinstance(text_field, PhoneNumberField):
        return False
    return (
        not isinstance(text_field.widget, forms.HiddenInput | forms.PasswordInput) and name != HONEYPOT_FIELD
    )


def check_page(target: Target, response, body: dict) -> None:
    """Never a server error; the submission taken, or each error shown and the typed text kept."""
    end = end_of(response)
    content = response.content.decode()
    what = f"{target.name}: {end.value} ({response.status_code}) for {body!r:.1500}"
    assert end is not End.SERVER_ERROR, what
    if end is End.FORM_ERROR and not target.silent:
        for form in _bound_forms(response):
            for name, errors in form.errors.items():
                if name in form.fields and form.fields[name].widget.is_hidden:
                    continue  # a hidden field's value is the page's own: only a forger changes it
                for message in errors:
                    assert escape(message) in content, (
                        f"{what}: {form.add_prefix(name)} error not shown: {message}"
                    )
                    EXAMPLES["errors seen shown"] += 1
            if isinstance(form, forms.BaseForm) and form.errors:
                controls = _Controls()
                controls.feed(content)
                for name in form.fields:
                    key = form.add_prefix(name)
                    sent = body.get(key)
                    if not _typed(form, name) or not isinstance(sent, str | list) or not sent:
                        continue
                    typed = sent[-1] if isinstance(sent, list) else sent
                    if not isinstance(typed, str):
                        continue
                    EXAMPLES["typed values seen kept"] += 1
                    shown_values = controls.values.get(key, [])
                    if cast(forms.CharField, form.fields[name]).strip:
                        # The field ignores the spaces around the text (and text of spaces only).
                        typed, shown_values = typed.strip(), [value.strip() for value in shown_values]
                    assert typed in shown_values, (
                        f"{what}: what was typed in {key} is lost: {typed!r:.200} "
                        f"shown as {controls.values.get(key)!r:.200}"
                    )
        return
    if end is End.PAGE:
        assert End.PAGE in target.ends, what
        templates = {template.name for template in response.templates}
        assert templates & set(target.pages), f"{what}: {sorted(filter(None, templates))[:5]}"
        return
    assert end in target.ends | {End.FORM_ERROR}, what


@pytest.fixture
def world():
    return World()


@pytest.mark.parametrize("name", list(TARGETS_BY_NAME))
def test_the_valid_submission_the_fuzzing_starts_from_is_taken(world, name):
    target = TARGETS_BY_NAME[name]
    client = target.client(world)
    path = target.before(world, client) if target.before else target.url(world)
    body = target.base(world)
    response = client.post(path, _as_posted(body))
    end = end_of(response)
    assert end in target.ends and end is not End.FORM_ERROR, (end, _bound_errors(response))


def _bound_errors(response) -> list:
    return [form.errors for form in _bound_forms(response) if form.errors]


@pytest.mark.parametrize("name", list(TARGETS_BY_NAME))
def test_what_is_posted_ends_in_the_form_with_its_errors_or_is_taken(world, name):
    target = TARGETS_BY_NAME[name]
    for need in target.uses:
        getattr(world, need)
    # One browser for every example: what an example writes (its session's changes too) is rolled back.
    client = target.client(world)

    @FUZZ
    @given(st.data())
    def run(data):
        body = data.draw(submissions(target, world))
        with rolled_back():
            browser = target.client(world) if target.fresh_client else client
            path = target.before(world, browser) if target.before else target.url(world)
            response = browser.post(path, _as_posted(body))
            check_page(target, response, body)
        EXAMPLES[f"page {name}"] += 1
        EXAMPLES[f"page {name}: {end_of(response).name}"] += 1

    run()


# --- The form class directly ---------------------------------------------------------------------


def _columns(form: forms.BaseForm, name: str) -> list[models.Field]:
    form_class = type(form)
    if form_class not in test_input_lengths.COLUMNS:
        return []
    column = test_input_lengths.column_for(form_class, name)
    return [column] if column is not None else []


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for inner in value for item in _strings(inner)]
    return []


def check_cleaned(form: forms.BaseForm) -> None:
    for name, value in form.cleaned_data.items():
        field_ = form.fields.get(name)
        # A phone column keeps E.164, which has no extension: one cleaned with it would lose it.
        assert not getattr(value, "extension", None), f"{type(form).__name__}.{name} would drop {value}"
        for one in _strings(value):
            assert "\x00" not in one, f"{type(form).__name__}.{name} cleaned a NUL: {one!r:.100}"
            limit = getattr(field_, "max_length", None)
            if limit:
                assert len(one) <= limit, f"{type(form).__name__}.{name}"
        # Several choices are kept in one column, separated by commas (JSON columns have no length).
        stored = ",".join(_strings(value)) if isinstance(field_, forms.MultipleChoiceField) else value
        for column in _columns(form, name):
            column_limit = getattr(column, "max_length", None)
            if isinstance(stored, str) and column_limit is not None:
                assert len(stored) <= column_limit, (
                    f"{type(form).__name__}.{name}: {len(stored)} characters, its column holds {column_limit}"
                )
    if form.is_valid() and hasattr(form, "answers"):
        # Kept as JSON: PostgreSQL's jsonb refuses \u0000.
        dumped = json.dumps(form.answers(), default=str)
        assert "\\u0000" not in dumped, type(form).__name__


@pytest.mark.parametrize("name", list(TARGETS_BY_NAME))
def test_the_form_itself_never_raises_and_cleans_what_fits_its_columns(world, name):
    target = TARGETS_BY_NAME[name]
    for need in target.uses:
        getattr(world, need)

    @FUZZ
    @given(st.data())
    def run(data):
        body = data.draw(submissions(target, world))
        with rolled_back():
            post, files = _as_form_data(body)
            form = target.build(world, post, files)
            form.is_valid()
            check_cleaned(form)
            for prefix, row_form in target.formsets.items():
                try:
                    total = min(int(post.get(f"{prefix}-TOTAL_FORMS", "0")), 3)
                except ValueError:
                    total = 0
                for index in range(max(total, 0)):
                    row = row_form(post, prefix=f"{prefix}-{index}")
                    row.is_valid()
                    check_cleaned(row)
        EXAMPLES[f"form {name}"] += 1

    run()


@pytest.mark.parametrize("name", list(TARGETS_BY_NAME))
def test_every_address_at_its_fields_limit_in_any_script_cleans_to_one_that_fits(world, name):
    """Each email field, given addresses as long as it takes and one longer, with domains in other
    scripts: what it cleans (lowered, for the account name) still fits (the fuzzing rarely draws these)."""
    target = TARGETS_BY_NAME[name]
    for need in target.uses:
        getattr(world, need)
    fields = _fields(target.build(world, None, None))
    for field_name, email_field in fields.items():
        if not isinstance(email_field, forms.EmailField):
            continue
        limit = email_field.max_length or 254
        for domain in UNICODE_DOMAINS:
            for length in (limit, limit + 1):
                address = "a" * (length - len(domain) - 1) + "@" + domain
                post, files = _as_form_data({**target.base(world), field_name: address})
                with rolled_back():
                    form = target.build(world, post, files)
                    form.is_valid()
                    check_cleaned(form)
                    if length > limit:
                        assert form.errors.get(field_name), (name, field_name, address)


def test_the_examples_are_counted(request):
    """Not a check: the examples run per form, for the record (printed with -s, kept as a property)."""
    if EXAMPLES:
        request.node.user_properties.append(("examples", dict(EXAMPLES)))
        print("\n".join(f"{key}: {count}" for key, count in sorted(EXAMPLES.items())))  # noqa: T201
        examples = sum(
            count for key, count in EXAMPLES.items() if key.startswith(("page ", "form ")) and ":" not in key
        )
        print(f"examples in all: {examples}")  # noqa: T201

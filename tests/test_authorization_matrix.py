"""Every URL the resolver knows, asked by every role, answers as the policy below says.

The URLs are read from the URL conf itself (admin pages included), so a new URL is in the matrix the
moment it is added: its arguments need a filler in `Fillers` and its answer a rule in `expected`,
or the test fails saying which to add. Each cell is a GET, and a POST with an empty body where the
view takes one; a POST by someone the policy does not let change anything must leave every row as
it was. The patient in every record is "Quintessa Zebulon": her name may appear only in a cell the
policy lets see her, and no cell may answer with a server error.
"""

import dataclasses
import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from appointments import tokens as appointment_tokens
from appointments.models import Appointment
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from intake import tokens as intake_tokens
from tests.clients import SignInClient
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    LocationHoursFactory,
    OutboundEmailFactory,
    PatientFactory,
    PhysicianFactory,
    ReferralDocumentFactory,
    ReferringProviderFactory,
    StaffAlertFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

FIRST, LAST = "Quintessa", "Zebulon"
NAME_SEEN = re.compile(rf"{FIRST}|{LAST}", re.IGNORECASE)


# --- The URLs ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Route:
    name: str | None  # namespaced, "admin:clinic_patient_change"; None for an unnamed pattern
    route: str  # "staff/clinic/patient/<path:object_id>/change/"
    arguments: tuple[str, ...]
    only_routes: bool  # every part of the path is a route (not a regex), so it can be filled in

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'} {self.route}"


def _arguments(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: tuple = (), arguments=()
) -> Iterator[Route]:
    """Every pattern under `resolver`, walked recursively, with its full route and its arguments."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        found = (*arguments, *_arguments(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from routes(pattern, route, inner, found)
        else:
            assert isinstance(pattern, URLPattern)
            name = ":".join((*namespace, pattern.name)) if pattern.name else None
            yield Route(name, route, found, only_routes=not re.search(r"[\^$(]", route))


def admin_model_of(route: Route) -> type[models.Model] | None:
    """The model whose ModelAdmin serves this route, if one does."""
    staff = reverse("admin:index").lstrip("/")
    for model in admin.site._registry:
        if route.route.startswith(f"{staff}{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


# --- The roles -----------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
PATIENT = "patient with their own link"
OTHER_PATIENT = "patient with another's link"
PROVIDER_A = "provider A (the referrer)"
PROVIDER_B = "provider B"
PROVIDER_A_CODE_DUE = "provider A, second step on, password given but no code yet"
ROLE_STAFF = {
    "front desk": FRONT_DESK,
    "clinician": CLINICIAN,
    "clinic administrator": CLINIC_ADMINISTRATOR,
}
SUPERUSER = "superuser"
NO_ROLE = "staff without a role"
UNVERIFIED = "clinic administrator without 2FA verified"
STAFF = (*ROLE_STAFF, SUPERUSER, NO_ROLE)
PATIENTS = (PATIENT, OTHER_PATIENT)
ROLES = (ANONYMOUS, *PATIENTS, PROVIDER_A, PROVIDER_A_CODE_DUE, PROVIDER_B, *STAFF, UNVERIFIED)


# --- The world: objects made once per test, named for a patient no generated name can be ---------


def _as_quintessa(**extra):
    return {"first_name": FIRST, "last_name": LAST, "email": "quintessa.zebulon@mail.example", **extra}


@dataclasses.dataclass
class World:
    objects: dict[type[models.Model], Any]
    intake: Any
    other_intake: Any
    referral: Any
    document: Any
    request: Any
    other_request: Any
    users: dict[str, Any]

    def rows(self) -> dict:
        """What a POST that changes nothing leaves as it was: every row of every record in the world."""
        from clinic.core.models import RecordView  # who looked at what: a look is no change

        return {
            model._meta.label: sorted(map(repr, model._default_manager.values_list()))  # noqa: SLF001
            for model in {*self.objects, *(type(o) for o in (self.intake, self.request))} - {RecordView}
        }


def world_make() -> World:
    patient: Any = PatientFactory(**_as_quintessa())
    intake: Any = IntakeFactory(**_as_quintessa())
    other_intake: Any = IntakeFactory(first_name="Ottoline", last_name="Brembridge")
    document: Any = ReferralDocumentFactory(
        referral__patient_first_name=FIRST,
        referral__patient_last_name=LAST,
        referral__patient_email="quintessa.zebulon@mail.example",
    )
    referral: Any = document.referral
    request: Any = AppointmentRequestFactory(patient=patient)
    other_request: Any = AppointmentRequestFactory(
        patient__first_name="Ottoline", patient__last_name="Brembridge"
    )
    booked: Any = AppointmentRequestFactory(patient=patient, status="booked")
    physician: Any = PhysicianFactory()
    hours: Any = LocationHoursFactory(location=booked.location)
    appointment = Appointment.objects.create(
        request=booked,
        patient=patient,
        physician=physician,
        location=booked.location,
        visit_type=booked.visit_type,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=1),
        scheduled_at=timezone.now(),
    )
    users = {
        PROVIDER_A: referral.provider.user,
        PROVIDER_A_CODE_DUE: referral.provider.user,
        PROVIDER_B: ReferringProviderFactory().user,
        **{who: StaffUserFactory(role=role) for who, role in ROLE_STAFF.items()},
        SUPERUSER: StaffUserFactory(is_superuser=True),
        NO_ROLE: StaffUserFactory(),
        UNVERIFIED: StaffUserFactory(role=CLINIC_ADMINISTRATOR),
    }
    colleague: Any = StaffUserFactory(role=FRONT_DESK)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    objects = [
        patient,
        intake,
        referral,
        referral.provider,
        request,
        appointment,
        physician,
        hours,
        booked.location,
        StaffAlertFactory(subject=intake),
        OutboundEmailFactory(to="quintessa.zebulon@mail.example"),
        colleague,
        Group.objects.get(name=FRONT_DESK),
        TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True),
        StaticDevice.objects.create(user=colleague, name="Backup codes", confirmed=True),
        AccessAttempt.objects.create(
            username="someone", ip_address="127.0.0.1", user_agent="test", failures_since_start=1
        ),
        AccessLog.objects.create(username="someone", ip_address="127.0.0.1", user_agent="test"),
        AccessFailureLog.objects.create(
            username="someone", ip_address="127.0.0.1", user_agent="test", locked_out=False
        ),
    ]
    from auditlog.models import LogEntry

    from clinic.core.models import RecordView

    objects += [
        LogEntry.objects.get_for_object(patient).first(),
        RecordView.objects.create(
            user=colleague,
            username=colleague.username,
            kind=RecordView.Kind.PAGE,
            content_type=ContentType.objects.get_for_model(patient),
            object_id=patient.pk,
            patient=patient,
            patient_label=f"{FIRST} {LAST}",
        ),
    ]
    return World(
        objects={type(o): o for o in objects},
        intake=intake,
        other_intake=other_intake,
        referral=referral,
        document=document,
        request=request,
        other_request=other_request,
        users=users,
    )


# --- Filling each URL's arguments ----------------------------------------------------------------


class NoFiller(Exception):
    pass


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def fill(route: Route, world: World, role: str) -> dict[str, str]:  # noqa: PLR0912 (one branch per argument)
    """The route's arguments for `role`: records are always Quintessa's; a signed link is hers for
    her, another patient's own link for the other patient, and a tampered one for everyone else."""

    def link(own: str, other: str) -> str:
        return {PATIENT: own, OTHER_PATIENT: other}.get(role, _tampered(own))

    name = route.name or ""
    model = admin_model_of(route)
    values: dict[str, str] = {}
    for argument in route.arguments:
        value: object
        if argument in ("object_id", "id") and model is not None:
            if model not in world.objects:
                raise NoFiller(
                    f"add a filler for {route}: the world in {__name__} has no {model._meta.label}"
                )
            value = world.objects[model].pk
        elif argument == "pk" and name.startswith("admin:otp_totp_totpdevice_"):
            value = world.objects[TOTPDevice].pk
        elif argument == "action" and name == "admin:referrals_referral_action":
            value = "accept"
        elif (argument, name) == ("app_label", "admin:app_list"):
            value = "clinic"
        elif argument == "url" and route.route.endswith("(?P<url>.*)$"):
            value = "no-such-page/"
        elif name == "admin:view_on_site":
            value = {"content_type_id": ContentType.objects.get_for_model(Appointment).pk, "object_id": 0}[
                argument
            ]
        elif argument in ("uidb64", "token") and name.endswith("password_reset_confirm"):
            value = {"uidb64": "MQ", "token": "set-password"}[argument]
        elif name.startswith("intake:") and argument == "public_id":
            value = world.intake.public_id
        elif name == "intake:step" and argument == "step":
            value = "about"
        elif name == "intake:insurance_card" and argument == "side":
            value = "front"
        elif name == "intake:resume" and argument == "token":
            value = link(
                intake_tokens.resume_token(world.intake.public_id),
                intake_tokens.resume_token(world.other_intake.public_id),
            )
        elif name.startswith("referrals:") and argument == "public_id":
            value = world.referral.public_id
        elif name == "referrals:document" and argument == "document_id":
            value = world.document.public_id
        elif name == "referrals:verify_email" and argument == "token":
            value = "not-a-link"
        elif name.startswith("appointments:") and argument == "public_id":
            value = world.request.public_id
        elif name == "appointments:verify" and argument == "token":
            value = link(
                appointment_tokens.verify_token(world.request.public_id),
                appointment_tokens.verify_token(world.other_request.public_id),
            )
        elif name.startswith("appointments:") and argument == "token":
            value = link(
                appointment_tokens.manage_token(world.request.public_id),
                appointment_tokens.manage_token(world.other_request.public_id),
            )
        else:
            raise NoFiller(f"add a filler for {route}: nothing in {__name__}.fill gives its {argument!r}")
        values[argument] = str(value)
    return values


def url_of(route: Route, world: World, role: str) -> str:
    values = fill(route, world, role)
    if route.name:
        return reverse(route.name, kwargs=values)
    if not route.only_routes:
        if route.route.endswith("(?P<url>.*)$"):
            return reverse("admin:index") + values["url"]
        raise NoFiller(f"add a filler for {route}: an unnamed regex pattern cannot be built")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route.route)


# --- The policy ----------------------------------------------------------------------------------

LOGIN_STAFF = "the staff sign-in"
LOGIN_REFERRER = "the referrer sign-in"
CODE_STEP = "the referrer's second step"


@dataclasses.dataclass(frozen=True)
class Answer:
    statuses: frozenset[int | str]  # a status, or a sign-in page redirected to
    sees_patient: bool = False  # may show Quintessa's name
    may_change: bool = False  # a POST may change a row

    def __str__(self) -> str:
        return " or ".join(sorted(map(str, self.statuses)))


def answer(*statuses: int | str, sees_patient: bool = False, may_change: bool = False) -> Answer:
    return Answer(frozenset(statuses), sees_patient, may_change)


def expected(route: Route, role: str, method: str, world: World) -> Answer:  # noqa: PLR0911, PLR0912
    """What `role` gets from `route` by `method`; fails naming the route when no rule covers it."""
    name = route.name or ""
    get = method == "get"
    verified_staff = role in STAFF
    clinic_staff = role in (*ROLE_STAFF, SUPERUSER)
    signed_in = role in (*PROVIDERS, *STAFF, UNVERIFIED)

    if name in PUBLIC:
        on_get, on_post = PUBLIC[name]
        return answer(on_get if get else on_post)
    if route.route == reverse("admin:login").lstrip("/"):  # the staff sign-in, whichever view has it
        name = "admin:login"
    if name in SIGN_IN_PAGES:
        if name == "referrals:login" and signed_in or name == "referrals:register" and role in PROVIDERS:
            return answer(302)
        if name == "admin:login" and (role == UNVERIFIED or role in STAFF and get):
            return answer(302)
        return answer(200)
    if name.endswith("logout"):  # anyone may sign out; the sign-in records then say when
        return answer(405 if get else (200 if name.startswith("admin") else 302), may_change=True)
    if name in PATIENT_LINKS:
        own, other = PATIENT_LINKS[name]
        if role == PATIENT:
            statuses, sees = own
            return answer(statuses[0] if get else statuses[1], sees_patient=sees, may_change=not get)
        if role == OTHER_PATIENT and other:  # their own link, for their own record
            return answer(other[0] if get else other[1])
        return answer(
            405
            if (get and name == "appointments:another_time") or (not get and name == "intake:resume")
            else 404
        )
    if name in PROVIDER_PAGES:
        rule = PROVIDER_PAGES[name]
        column = next((k for k in (role, "staff" if clinic_staff else None) if k in rule), None)
        if column is not None:
            on_get, on_post = rule[column]
        elif role == PROVIDER_A_CODE_DUE:  # every page of A's asks for the code first
            on_get, on_post = (405 if status == 405 else CODE_STEP for status in rule[PROVIDER_A])
        else:  # signed in as staff, they are no referrer; anyone else is asked to sign in as one
            on_get, on_post = (
                403 if status == LOGIN_REFERRER and role in (*STAFF, UNVERIFIED) else status
                for status in rule["outsider"]
            )
        return answer(
            on_get if get else on_post,
            sees_patient=role == PROVIDER_A,
            may_change=role == PROVIDER_A and not get,
        )
    if name == "intake:insurance_card":  # no card photo on file: not found for those who may see one
        return answer(404 if clinic_staff else 403 if role == NO_ROLE else LOGIN_STAFF)
    if name in ("admin:verify", "admin:enrol"):
        if role == UNVERIFIED:
            return answer(302 if name == "admin:verify" else 200)  # no device yet: enrol first
        return answer(302 if verified_staff else LOGIN_STAFF)
    if not route.route.startswith(reverse("admin:index").lstrip("/")):
        raise AssertionError(f"add a rule for {route} to expected() in {__name__}")
    if not verified_staff:
        return answer(LOGIN_STAFF)
    return _staff_site(route, role, get, clinic_staff, world)


def _staff_site(route: Route, role: str, get: bool, clinic_staff: bool, world: World) -> Answer:  # noqa: PLR0911, PLR0912
    """A page of the staff site for staff who passed the second factor: a model's pages by what its
    ModelAdmin grants the role, the rest by the tables below."""
    name = route.name or ""

    def allowed(yes) -> Answer:
        return answer(200 if yes else 403, sees_patient=clinic_staff, may_change=bool(yes) and not get)

    if name in STAFF_PAGES:
        on_get, on_post = STAFF_PAGES[name]
        if role == NO_ROLE and name == "admin:app_list":
            return answer(404)
        return answer(on_get if get else on_post, sees_patient=clinic_staff)
    if name in CUSTOM_STAFF_PAGES:
        rule = CUSTOM_STAFF_PAGES[name]
        statuses = rule.get(role, rule.get("staff", 403) if role != NO_ROLE else 403)
        on_get, on_post = statuses if isinstance(statuses, tuple) else (statuses, statuses)
        status = on_get if get else on_post
        return answer(status, sees_patient=clinic_staff, may_change=not get and status in (200, 302))
    if route.route.endswith("(?P<url>.*)$"):  # no such page
        return answer(404)
    model = admin_model_of(route)
    if model is None:
        raise AssertionError(f"add a rule for {route} to expected() in {__name__}")
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = world.users[role]
    obj = world.objects.get(model)
    if route.name is None:  # /<id>/ sends on to the change page
        return answer(302)
    view = name.rsplit("_", 1)[-1]
    if view == "changelist":
        return allowed(model_admin.has_view_or_change_permission(request))
    if view == "add":
        return allowed(model_admin.has_add_permission(request))
    if view == "history":
        return allowed(model_admin.has_view_or_change_permission(request, obj))
    if view == "delete":
        return allowed(model_admin.has_delete_permission(request, obj))
    if view == "change":
        if get:
            return allowed(model_admin.has_view_or_change_permission(request, obj))
        if model_admin.has_change_permission(request, obj):  # the form again, or saved as it was
            return answer(200, 302, sees_patient=clinic_staff, may_change=True)
        return answer(403)
    raise AssertionError(f"add a rule for {route} to expected() in {__name__}")


PUBLIC: dict[
    str, tuple[int | str, int | str]
] = {  # (GET, POST) for everyone; an empty POST is a form shown again, never a change
    "home": (200, 405),
    "new_patient": (200, 200),
    "request_appointment": (200, 200),
    "appointments:check_email": (200, 200),
    "referring_providers": (200, 405),
    "healthz": (200, 405),
    "session_status": (200, 405),
    "session_keep_alive": (405, 200),
    "intake:start": (200, 200),
    "intake:resend_link": (405, 200),
    "intake:medicine_names": (200, 405),
    "referrals:register_done": (200, 405),
    "referrals:verify_email": (400, 405),  # a made-up link
    "referrals:password_reset": (200, 200),
    "referrals:password_reset_done": (200, 405),
    "referrals:password_reset_confirm": (200, 200),  # a made-up link: the page says so
    "referrals:password_reset_complete": (200, 405),
    "admin_password_reset": (200, 200),
    "password_reset_done": (200, 405),
    "password_reset_confirm": (200, 200),
    "password_reset_complete": (200, 405),
}
SIGN_IN_PAGES = {"referrals:login", "referrals:register", "admin:login"}
PROVIDERS = (PROVIDER_A, PROVIDER_A_CODE_DUE, PROVIDER_B)
PATIENT_LINKS = {
    # name: ((GET, POST) with her own link, may it show her), what another patient's own link gives
    "appointments:verify": (((302, 302), True), (302, 302)),
    "appointments:manage": (((200, 200), True), None),
    "appointments:withdraw": (((200, 302), True), None),
    "appointments:cancel": (((302, 302), True), None),  # no visit booked on this request
    "appointments:another_time": (((405, 302), True), None),
    "intake:resume": (((302, 405), True), (302, 405)),
    "intake:step": (((200, 400), True), None),
    "intake:review": (((200, 400), True), None),
    "intake:thanks": (((302, 302), True), None),  # not submitted yet
}
PROVIDER_PAGES: dict[str, dict[str, tuple[int | str, int | str]]] = {
    # name: {role or "staff" (verified, with a role) or "outsider": (GET, POST)}; other staff get 403
    "referrals:list": {"outsider": (LOGIN_REFERRER, 405), PROVIDER_A: (200, 405), PROVIDER_B: (200, 405)},
    "referrals:new": {"outsider": (LOGIN_REFERRER,) * 2, PROVIDER_A: (200, 400), PROVIDER_B: (200, 400)},
    "referrals:icd10": {
        "outsider": (403, 405),
        PROVIDER_A: (200, 405),
        PROVIDER_A_CODE_DUE: (200, 405),  # a list of public codes, nothing of a patient's
        PROVIDER_B: (200, 405),
        "staff": (200, 405),
        NO_ROLE: (200, 405),
        UNVERIFIED: (200, 405),
    },
    "referrals:resend_verification": {
        "outsider": (405, LOGIN_REFERRER),
        PROVIDER_A: (405, 302),
        PROVIDER_B: (405, 302),
    },
    "referrals:detail": {"outsider": (LOGIN_REFERRER, 405), PROVIDER_A: (200, 405), PROVIDER_B: (404, 405)},
    "referrals:add_documents": {
        "outsider": (405, LOGIN_REFERRER),
        PROVIDER_A: (405, 302),
        PROVIDER_B: (405, 404),
    },
    "referrals:cancel": {"outsider": (LOGIN_REFERRER,) * 2, PROVIDER_A: (200, 302), PROVIDER_B: (404, 404)},
    "referrals:document": {
        "outsider": (LOGIN_REFERRER, 405),
        PROVIDER_A: (200, 405),
        PROVIDER_B: (404, 405),
        "staff": (200, 405),
        NO_ROLE: (404, 405),
        UNVERIFIED: (404, 405),
    },
    # The account and its second step: each provider's own (no id in the URL); A and B have none on.
    "referrals:account": {"outsider": (LOGIN_REFERRER, 405), PROVIDER_A: (200, 405), PROVIDER_B: (200, 405)},
    "referrals:second_factor_enrol": {
        "outsider": (LOGIN_REFERRER,) * 2,
        PROVIDER_A: (200, 200),  # an empty POST: the QR code again, with the missing code named
        PROVIDER_B: (200, 200),
    },
    "referrals:second_factor_disable": {
        "outsider": (LOGIN_REFERRER,) * 2,
        PROVIDER_A: (302, 302),  # nothing to turn off: back to the account page
        PROVIDER_B: (302, 302),
    },
    "referrals:second_factor_new_codes": {
        "outsider": (LOGIN_REFERRER,) * 2,
        PROVIDER_A: (302, 302),  # no second step, no backup codes: back to the account page
        PROVIDER_B: (302, 302),
    },
    "referrals:second_factor": {
        "outsider": (LOGIN_REFERRER,) * 2,
        PROVIDER_A: (302, 302),  # no code due: on to the referrals
        PROVIDER_A_CODE_DUE: (200, 200),  # the code form (an empty POST: the form with its message)
        PROVIDER_B: (302, 302),
    },
}
STAFF_PAGES = {  # (GET, POST) for any staff member past the second factor
    "admin:index": (200, 200),
    "admin:password_change": (200, 200),
    "admin:password_change_done": (200, 405),
    "admin:autocomplete": (403, 405),  # no field asked for
    "admin:jsi18n": (200, 405),
    "admin:view_on_site": (404, 404),  # an appointment has no public page
    "admin:app_list": (200, 200),
}
CUSTOM_STAFF_PAGES: dict[str, dict[str, int | tuple[int, int]]] = {
    # name: {role: status or (GET, POST)}; "staff": every role not named; staff without a role: 403
    "admin:otp_totp_totpdevice_config": {"staff": 403},  # nobody reads another's secret
    "admin:otp_totp_totpdevice_qrcode": {"staff": 403},
    "admin:clinic_staffalert_acknowledge": {"front desk": 403, "staff": (403, 302)},
    "admin:intake_intake_dn4_examination": {"clinician": 200, SUPERUSER: 200},
    "admin:referrals_referral_action": {"staff": 200},
    "admin:referrals_referringprovider_verify": {"clinician": 403, "staff": (403, 302)},
    "admin:appointments_appointmentrequest_book": {
        "front desk": 200,
        "clinic administrator": 200,
        SUPERUSER: 200,
    },
    "admin:appointments_appointmentrequest_safety_override": {"clinician": 200, SUPERUSER: 200},
    "admin:appointments_appointment_day": {"staff": 200},
    "admin:appointments_appointment_reschedule": {"staff": 200},
    "admin:appointments_appointment_cancel": {"staff": 200},
}


# --- The matrix ----------------------------------------------------------------------------------


def client_for(role: str, world: World) -> SignInClient:
    client = SignInClient(raise_request_exception=False)
    if role == PROVIDER_A_CODE_DUE:
        TOTPDevice.objects.create(user=world.users[role], name="Authenticator app", confirmed=True)
    if role in world.users:
        client.force_login(world.users[role], second_factor=role not in (UNVERIFIED, PROVIDER_A_CODE_DUE))
    if role in PATIENTS:
        intake = world.intake if role == PATIENT else world.other_intake
        assert (
            client.get(
                reverse("intake:resume", args=[intake_tokens.resume_token(intake.public_id)])
            ).status_code
            == 302
        )
    return client


def every_route() -> list[Route]:
    seen, found = set(), []
    for route in routes():
        if (route.name, route.route) not in seen:
            seen.add((route.name, route.route))
            found.append(route)
    # Signing out last, so it does not sign out the rest of the row.
    return sorted(found, key=lambda r: "logout" in (r.name or ""))


def observed(response) -> int | str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return LOGIN_STAFF
        if location.startswith(reverse("referrals:login")):
            return LOGIN_REFERRER
        if location.startswith(reverse("referrals:second_factor")):
            return CODE_STEP
    return response.status_code


def _shows_her(response) -> bool:
    if getattr(response, "streaming", False):
        return False  # a document or card photo: who may have it is the status's question
    return bool(NAME_SEEN.search(response.content.decode(errors="replace")))


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_policy_says(role):
    world = world_make()
    client = client_for(role, world)
    wrong = []
    for route in every_route():
        url = url_of(route, world, role)
        for method in ("get", "post"):
            rule = expected(route, role, method, world)
            before = world.rows() if method == "post" and not rule.may_change else None
            response = getattr(client, method)(url)
            what = f"{method.upper()} {route} as {role}"
            if response.status_code >= 500:
                wrong.append(f"{what}: a server error ({response.status_code})")
            elif (got := observed(response)) not in rule.statuses:
                wrong.append(f"{what}: {got}, the policy says {rule}")
            if _shows_her(response) and not rule.sees_patient:
                wrong.append(f"{what}: shows {FIRST} {LAST}, whom this role may not see")
            if before is not None and world.rows() != before:
                wrong.append(f"{what}: changed a row")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_url_of_the_url_conf():
    """Each pattern the resolver knows is a row (the admin's too), and a new one without a filler
    or a rule fails here first, saying which to add."""
    world = world_make()
    found = every_route()
    names = {route.name for route in found}
    assert {
        "admin:clinic_patient_change",
        "referrals:document",
        "intake:step",
        "appointments:manage",
    } <= names
    for route in found:
        for role in ROLES:
            url_of(route, world, role)
            for method in ("get", "post"):
                expected(route, role, method, world)
    assert len(found) * len(ROLES) > 1500, f"{len(found)} URLs x {len(ROLES)} roles"

"""The pages the referral admins add: a referral's action buttons and forms, and verifying a provider."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clinic.core.admin import ClinicModelAdmin, ReadOnlyModelAdmin
from clinic.core.audit import record_view_log
from clinic.core.clinical import red_flags as red_flag_rules
from clinic.core.forms import form_add_validation_error, validation_error_text
from clinic.core.models import SafetyScreenRecord
from clinic.core.status import StatusMoveRefused
from clinic.core.translated import StrPromise
from referrals import selectors, services
from referrals.forms import StaffAcceptForm, StaffDeclineForm, StaffNoteForm, StaffScheduleForm
from referrals.icd10 import icd10_description
from referrals.models import REFERRAL_MOVES, Referral, ReferralStatus

S = ReferralStatus


@dataclass(frozen=True)
class StaffAction:
    name: str
    label: str | StrPromise
    to_status: str
    permission: str
    form_class: type
    button_class: str = "default"


STAFF_ACTIONS = {
    action.name: action
    for action in (
        StaffAction(
            "under_review", _("Mark under review"), S.UNDER_REVIEW, "referrals.triage_referral", StaffNoteForm
        ),
        StaffAction(
            "accept", _("Accept"), S.ACCEPTED, "referrals.decide_referral", StaffAcceptForm, "default"
        ),
        StaffAction("decline", _("Decline"), S.DECLINED, "referrals.decide_referral", StaffDeclineForm),
        StaffAction(
            "schedule", _("Mark scheduled"), S.SCHEDULED, "referrals.triage_referral", StaffScheduleForm
        ),
        StaffAction("seen", _("Mark seen"), S.SEEN, "referrals.triage_referral", StaffNoteForm),
        StaffAction("cancel", _("Cancel referral"), S.CANCELLED, "referrals.triage_referral", StaffNoteForm),
    )
}


class ReferralPages(ReadOnlyModelAdmin):
    """The referral page's context and the page of each staff action; ReferralAdmin is built on it."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="referrals_referral_action",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        referral = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            **(self._page_context(request, referral) if referral else {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _page_context(self, request, referral: Referral) -> dict:
        return {
            "referral": referral,
            "safety_screen": SafetyScreenRecord.objects.filter(
                source=SafetyScreenRecord.Source.REFERRAL, source_id=referral.public_id
            ).first(),
            "codes": [(code, icd10_description(code)) for code in referral.diagnosis_codes],
            "documents": selectors.referral_documents(referral=referral),
            "events": selectors.referral_events(referral=referral),
            "duplicates": []
            if referral.patient_id
            else list(selectors.referral_possible_duplicates(referral=referral)),
            "red_flag_answers": [
                (question.finding, referral.red_flag_answers.get(question.key, "-"))
                for question in red_flag_rules.QUESTIONS
            ],
            "staff_actions": [
                (action, reverse("admin:referrals_referral_action", args=[referral.pk, action.name]))
                for action in STAFF_ACTIONS.values()
                if REFERRAL_MOVES.allows(referral.status, action.to_status)
                and request.user.has_perm(action.permission)
            ],
        }

    def action_view(self, request, object_id, action):
        referral = self.get_object(request, object_id)
        if referral is None:
            return HttpResponseRedirect(reverse("admin:referrals_referral_changelist"))
        staff_action = STAFF_ACTIONS.get(action)
        if staff_action is None or not request.user.has_perm(staff_action.permission):
            raise PermissionDenied
        change_url = reverse("admin:referrals_referral_change", args=[referral.pk])
        form_kwargs = {}
        if staff_action.name == "accept":
            form_kwargs = {
                "duplicates": selectors.referral_possible_duplicates(referral=referral),
                "linked_patient": referral.patient,
            }
        form = staff_action.form_class(request.POST if request.method == "POST" else None, **form_kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                self._run(staff_action, referral, form, request.user)
            except StatusMoveRefused as refused:
                self.message_user(request, validation_error_text(refused), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                form_add_validation_error(form, error)
            else:
                self.message_user(
                    request,
                    _("Referral %(number)s: %(status)s.")
                    % {"number": referral.number, "status": referral.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        record_view_log(request=request, record=referral)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "referral": referral,
            "action": staff_action,
            "form": form,
            "change_url": change_url,
            "title": f"{staff_action.label}: {referral.number}",
            "allowed": REFERRAL_MOVES.allows(referral.status, staff_action.to_status),
        }
        return TemplateResponse(request, "admin/referrals/referral/action.html", context)

    @staticmethod
    def _run(action: StaffAction, referral: Referral, form, user) -> None:
        note = form.cleaned_data.get("note", "")
        if action.name == "under_review":
            services.referral_mark_under_review(referral=referral, by=user, note=note)
        elif action.name == "accept":
            services.referral_accept(referral=referral, by=user, note=note, **form.service_kwargs())
        elif action.name == "decline":
            services.referral_decline(
                referral=referral, by=user, reason=form.cleaned_data["reason"], note=note
            )
        elif action.name == "schedule":
            services.referral_schedule(
                referral=referral, visit_at=form.cleaned_data["visit_at"], by=user, note=note
            )
        elif action.name == "seen":
            services.referral_mark_seen(referral=referral, by=user, note=note)
        elif action.name == "cancel":
            services.referral_cancel(referral=referral, by=user, note=note)


class ReferringProviderPages(ClinicModelAdmin):
    """The verify button of a provider's page; ReferringProviderAdmin is built on it."""

    def has_verify_permission(self, request):
        return request.user.has_perm("referrals.verify_referringprovider")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="referrals_referringprovider_verify",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_verify": self.has_verify_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def verify_view(self, request, object_id):
        if request.method != "POST" or not self.has_verify_permission(request):
            raise PermissionDenied
        provider = self.get_object(request, object_id)
        if provider is None:
            raise Http404
        if services.referring_provider_verify(provider=provider, by=request.user):
            self.message_user(
                request, _("%(provider)s is verified.") % {"provider": provider}, messages.SUCCESS
            )
        else:
            self.message_user(request, _("This provider was already verified."), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:referrals_referringprovider_change", args=[provider.pk]))

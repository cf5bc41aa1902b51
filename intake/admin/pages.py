"""The intake admin's custom staff page: the clinician's DN4 examination (items 8-10)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from clinic.core.admin import ReadOnlyModelAdmin
from clinic.core.audit import record_view_log
from clinic.core.forms import form_add_validation_error
from intake import services
from intake.forms import DN4ExaminationForm
from intake.instruments import dn4, worded_instrument
from intake.instruments.licensed import instrument_unavailable_reason
from intake.models import Intake


class IntakePages(ReadOnlyModelAdmin):
    """The pages IntakeAdmin adds to Django's own, each at a URL of its own."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dn4-examination/",
                self.admin_site.admin_view(self.dn4_examination_view),
                name="intake_intake_dn4_examination",
            ),
            *super().get_urls(),
        ]

    def dn4_examination_view(self, request, object_id):
        """The clinician enters DN4 items 8-10 at the visit; items 1-7 are the patient's interview."""
        if not request.user.has_perm("intake.examine_intake"):
            raise PermissionDenied
        try:
            intake = self.get_queryset(request).get(pk=unquote(object_id))
        except (Intake.DoesNotExist, ValidationError, ValueError):
            raise Http404("No such intake.") from None
        unavailable = instrument_unavailable_reason(dn4.CODE)
        form = None
        if not unavailable:
            form = DN4ExaminationForm(
                request.POST if request.method == "POST" else None, instrument=worded_instrument(dn4.CODE)
            )
            if request.method == "POST" and form.is_valid():
                try:
                    response = services.intake_record_dn4_examination(
                        intake=intake, examination=form.examination(), recorded_by=request.user
                    )
                except ValidationError as error:
                    form_add_validation_error(form, error)
                else:
                    self.message_user(
                        request,
                        _("DN4 recorded: %(total)s/10 (%(band)s).")
                        % {"total": response.display_total, "band": response.band},
                        messages.SUCCESS,
                    )
                    return redirect("admin:intake_intake_change", intake.pk)
        interview = next((r for r in intake.responses.all() if r.code == dn4.INTERVIEW_CODE), None)
        record_view_log(request=request, record=intake)
        return TemplateResponse(
            request,
            "admin/intake/intake/dn4_examination.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": intake,
                "title": _("DN4 examination (items 8-10)"),
                "form": form,
                "unavailable": unavailable,
                "interview": interview,
            },
        )

import datetime
import uuid
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from clinic.core.forms import NothingCutForm, form_add_validation_error
from clinic.core.honeypot import HONEYPOT_FIELD, HoneypotMixin
from clinic.core.models import PERSON_IDENTITY_FIELDS, ContactMethod, Location
from clinic.core.person import DateOfBirthField, DateOfBirthInput, PersonNameFormField
from clinic.core.selectors import active_locations

from . import services
from .models import DAY_CODES, PLANNED_PROCEDURE_CHOICES, CancelReason, Physician, TimeWindow, VisitType

# How far ahead staff may book a visit.
BOOKING_MAX_DAYS_AHEAD = 2 * 366

WEEKDAY_CHOICES = [(code, day.label) for code, day in DAY_CODES.items() if day < 6]


def _apply_service_rule(form: forms.Form, rule, *args, **kwargs) -> None:
    """Run a service's validation rule and put its message next to the field it names."""
    try:
        rule(*args, **kwargs)
    except ValidationError as error:
        form_add_validation_error(form, error)


class AppointmentRequestForm(HoneypotMixin, NothingCutForm, forms.Form):
    """What a patient asks for. Identity fields are only there when we do not know them yet."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    first_name = PersonNameFormField(label=_("First name"), max_length=100)
    last_name = PersonNameFormField(label=_("Last name"), max_length=100)
    date_of_birth = DateOfBirthField(widget=DateOfBirthInput({"autocomplete": "bday"}))
    email = forms.EmailField(
        label=_("Email"), help_text=_("We will send a link to confirm it is yours."), max_length=254
    )
    visit_type = forms.ChoiceField(
        label=_("Kind of visit"), choices=VisitType.choices, widget=forms.RadioSelect
    )
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none(), empty_label=None)
    preferred_days = forms.MultipleChoiceField(
        label=_("Preferred days"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if any weekday suits you."),
    )
    time_windows = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        choices=TimeWindow.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one time of day that suits you.")},
    )
    earliest_date = forms.DateField(
        label=_("Earliest date you could come"), widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"), choices=ContactMethod.choices, initial=ContactMethod.EMAIL
    )
    phone = PhoneNumberField(label=_("Phone"), required=False)
    reason = forms.CharField(
        label=_("In a few words, what is the visit for?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "No more than 300 characters. Please do not include anything urgent: call 911 in an emergency."
        ),
    )

    IDENTITY_FIELDS = PERSON_IDENTITY_FIELDS

    def __init__(self, *args, known_patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_patient = known_patient
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = active_locations()
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("earliest_date", timezone.localdate() + datetime.timedelta(days=1))
        if known_patient is not None:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
        else:
            cast(forms.ChoiceField, self.fields["visit_type"]).choices = [
                choice for choice in VisitType.choices if choice[0] != VisitType.PROCEDURE
            ]
        self.helper = FormHelper()
        self.helper.form_id = "appointment-request-form"
        identity = [Fieldset(_("About you"), *self.IDENTITY_FIELDS)] if known_patient is None else []
        self.helper.layout = Layout(
            "submission_key",
            *identity,
            Fieldset(_("Your visit"), "visit_type", "location", "reason"),
            Fieldset(_("When"), "earliest_date", "preferred_days", "time_windows"),
            Fieldset(_("Contact"), "contact_preference", "phone"),
            HONEYPOT_FIELD,
            Submit("submit", _("Send my request"), css_class="btn-primary btn-lg"),
        )

    def clean_earliest_date(self):
        earliest = self.cleaned_data["earliest_date"]
        _apply_service_rule(self, services.validate_earliest_date, earliest)
        return earliest

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if "contact_preference" in data:
            _apply_service_rule(
                self,
                services.validate_contact,
                contact_preference=data["contact_preference"],
                phone=data.get("phone"),
            )
        return data


class AppointmentCancelForm(NothingCutForm, forms.Form):
    """The patient's cancel button; the reason is always theirs."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class BookingForm(forms.Form):
    physician = forms.ModelChoiceField(label=_("Physician"), queryset=Physician.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time", "step": 300})
    )
    sedation_planned = forms.BooleanField(label=_("Sedation planned (procedure visits)"), required=False)
    planned_procedure = forms.ChoiceField(
        label=_("Planned procedure (procedure visits)"),
        choices=[("", _("Not decided yet")), *PLANNED_PROCEDURE_CHOICES],
        required=False,
        help_text=_(
            "Used by the safety check: with none chosen, an implanted device is checked as for "
            "radiofrequency ablation."
        ),
    )

    def __init__(self, *args, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        physicians = Physician.objects.filter(is_active=True)
        if location is not None:
            physicians = physicians.filter(locations=location) | physicians.filter(locations__isnull=True)
        physician_field = cast(forms.ModelChoiceField, self.fields["physician"])
        physician_field.queryset = physicians.distinct().order_by("last_name", "first_name")

    def clean_date(self):
        # Also keeps the start and end times within what a datetime can hold (no year 9999 overflow).
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError(_("The visit date cannot be in the past."))
        if day > today + datetime.timedelta(days=BOOKING_MAX_DAYS_AHEAD):
            raise ValidationError(_("Please check the year: visits are booked at most two years ahead."))
        return day

    @property
    def starts_at(self) -> datetime.datetime:
        return services.local_start(self.cleaned_data["date"], self.cleaned_data["start_time"])


class RescheduleForm(BookingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sedation_planned"]
        del self.fields["planned_procedure"]


class SafetyOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the procedure can go ahead"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text=_("For example: apixaban held 3 days before, agreed with the cardiologist on 2 May."),
    )


class StaffCancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CancelReason.choices)
    note = forms.CharField(
        label=_("Note for the record"),
        max_length=300,
        required=False,
        help_text=_("Not sent to the patient."),
    )


class DayViewForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.all(), required=False)
    physician = forms.ModelChoiceField(label=_("Physician"), queryset=Physician.objects.all(), required=False)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if abs((day - timezone.localdate()).days) > 10 * 366:
            raise ValidationError(_("Please check the year."))
        return day

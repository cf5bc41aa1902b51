import uuid
from datetime import date
from typing import cast

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from clinic.core.accounts import PasswordResetRequestForm, SignInLimitsMixin
from clinic.core.clinical import procedure_safety, red_flags
from clinic.core.forms import NothingCutForm
from clinic.core.honeypot import HONEYPOT_FIELD, HoneypotMixin
from clinic.core.models import Language, Location, SexAtBirth
from clinic.core.person import DateOfBirthField, PersonNameFormField, validate_pain_onset
from clinic.core.second_factor import second_factor_check
from clinic.core.translated import Text

from .icd10 import icd10_billable_children, icd10_exists, icd10_is_billable, icd10_normalise
from .models import DeclineReason, ImagingType, ReferringProvider, RequestedService, Urgency

MAX_DIAGNOSIS_CODES = 12
MAX_DOCUMENTS = 10

YES_NO_NOT_SURE = [("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure"))]
DIABETES_CHOICES = [("no", _("No")), ("yes", _("Yes, not on insulin")), ("yes_insulin", _("Yes, on insulin"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value: date | None, message) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)


# --- Referring provider accounts -------------------------------------------------------------------


class LowerCaseEmailField(forms.EmailField):
    """An address kept in lower case, its length checked once lowered: a few letters ("İ") are two
    characters in lower case, so an address that fits as typed may not fit its column once lowered."""

    def to_python(self, value) -> str:
        return (super().to_python(value) or "").lower()


class ProviderRegistrationForm(HoneypotMixin, NothingCutForm, forms.ModelForm):
    # The email is the account's username too: it must fit that column.
    email = LowerCaseEmailField(
        label=_("Email"),
        max_length=get_user_model()._meta.get_field("username").max_length,
        help_text=_("We send a link to this address to check it."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password or a pattern such as 1234 or qwerty."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = ReferringProvider
        fields = [
            "first_name",
            "last_name",
            "credentials",
            "npi",
            "practice_name",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "phone",
            "fax",
        ]
        help_texts = {"npi": _("Your 10-digit National Provider Identifier.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                Row(Column("first_name"), Column("last_name"), Column("credentials")),
                Row(Column("npi"), Column("email")),
            ),
            Fieldset(
                _("Your practice"),
                "practice_name",
                "address_line1",
                "address_line2",
                Row(Column("city"), Column("state"), Column("postal_code")),
                Row(Column("phone"), Column("fax")),
            ),
            Fieldset(_("Password"), Row(Column("password1"), Column("password2"))),
            HONEYPOT_FIELD,
            Submit("register", _("Create account")),
        )

    def clean_npi(self):
        npi = self.cleaned_data["npi"]
        return npi

    def validate_unique(self):
        """An NPI already registered is not refused here, where the person would learn it has an
        account: referring_provider_register tells that account's owner instead."""

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            user = get_user_model()(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProviderLoginForm(SignInLimitsMixin, AuthenticationForm):
    username = LowerCaseEmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))


class ProviderPasswordResetForm(PasswordResetRequestForm):
    confirm_url_name = "referrals:password_reset_confirm"

    def accounts(self):
        return get_user_model().objects.filter(referring_provider__isnull=False)


class SecondFactorProofForm(forms.Form):
    """Turning the second step off, or making new backup codes, takes proof that the person at the
    screen is the account's owner: a code from the app (or a backup code), or the password."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Or your password"),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean() or {}
        code, password = data.get("code", ""), data.get("password", "")
        if not code and not password and not self.errors:
            raise forms.ValidationError(
                _("Type the code your app shows now, or your password."), code="required"
            )
        if code and second_factor_check(self.user, code) is not None:
            return data
        if password and self.user.check_password(password):
            return data
        if code:
            self.add_error(
                "code", _("That code is not right, or it has expired. Type the code your app shows now.")
            )
        if password:
            self.add_error("password", _("That password is not right."))
        return data


# --- The referral form -----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        # upload_validate refuses an empty file with a message that names it; Django's own check would
        # stop at the first empty file with a nameless message and hide the other files' messages.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def red_flag_field_name(key: str) -> str:
    return f"rf_{key}"


class DiagnosisCodesField(forms.CharField):
    """Codes typed or picked, separated by commas or spaces; each must be a billable code."""

    def clean(self, value):
        value = super().clean(value)
        codes: list[str] = []
        errors = []
        for raw in value.replace(";", ",").replace(",", " ").split():
            code = icd10_normalise(raw)
            if code in codes:
                continue
            if not icd10_exists(code):
                errors.append(_("%(code)s is not an ICD-10-CM code.") % {"code": raw[:10]})
            elif not icd10_is_billable(code):
                examples = ", ".join(icd10_billable_children(code, limit=4))
                errors.append(
                    _(
                        "%(code)s is a category, not a billable code: "
                        "choose a more specific code (%(examples)s…)."
                    )
                    % {"code": code, "examples": examples}
                )
            else:
                codes.append(code)
        if errors:
            raise forms.ValidationError(errors)
        if not codes:
            raise forms.ValidationError(_("Enter at least one ICD-10-CM code."))
        if len(codes) > MAX_DIAGNOSIS_CODES:
            raise forms.ValidationError(_("Enter at most %(max)s codes.") % {"max": MAX_DIAGNOSIS_CODES})
        return codes


class ReferralForm(NothingCutForm, forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    patient_first_name = PersonNameFormField(label=_("First name"), max_length=100)
    patient_last_name = PersonNameFormField(label=_("Last name"), max_length=100)
    patient_date_of_birth = DateOfBirthField()
    patient_sex = forms.ChoiceField(label=_("Sex assigned at birth"), choices=SexAtBirth.choices)
    patient_phone = PhoneNumberField(label=_("Phone"), region="US")
    patient_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("We email the patient an invitation to our online intake when we accept the referral."),
    )
    patient_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.ENGLISH
    )
    insurance_carrier = forms.CharField(label=_("Insurance carrier"), max_length=120)
    insurance_member_id = forms.CharField(label=_("Member ID"), max_length=60)
    insurance_group = forms.CharField(label=_("Group number"), max_length=60, required=False)

    reason = forms.CharField(
        label=_("Reason for referral"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    diagnosis_codes = DiagnosisCodesField(
        label=_("ICD-10-CM diagnosis codes"),
        max_length=200,
        help_text=_("Billable codes, separated by commas, for example M54.16, M51.26."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    requested_service = forms.ChoiceField(label=_("Requested service"), choices=RequestedService.choices)
    requested_service_other = forms.CharField(label=_("Other service"), max_length=200, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    location = forms.ModelChoiceField(
        label=_("Preferred location"),
        queryset=Location.objects.filter(is_active=True),
        required=False,
        empty_label=_("No preference"),
    )
    pain_onset = forms.DateField(label=_("Pain started (about)"), required=False, widget=_date_input())

    physical_therapy_weeks = forms.IntegerField(
        label=_("Physical therapy (weeks)"), min_value=0, max_value=520, initial=0
    )
    medications_tried = forms.CharField(
        label=_("Medications tried"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other_conservative_care = forms.CharField(
        label=_("Other conservative care (chiropractic, acupuncture, injections...)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    imaging_type = forms.ChoiceField(
        label=_("Imaging"), choices=ImagingType.choices, initial=ImagingType.NONE
    )
    imaging_date = forms.DateField(label=_("Imaging date"), required=False, widget=_date_input())

    blood_thinner = forms.ChoiceField(
        label=_("Does the patient take a blood thinner or antiplatelet medicine?"),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
    )
    blood_thinner_names = forms.CharField(
        label=_("Which ones (name and dose)?"), max_length=300, required=False
    )
    devices = forms.MultipleChoiceField(
        label=_("Implanted devices"),
        choices=[(device.key, device.patient_label) for device in procedure_safety.IMPLANTED_DEVICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if none."),
    )
    diabetes = forms.ChoiceField(label=_("Diabetes"), choices=DIABETES_CHOICES, widget=forms.RadioSelect)
    contrast_allergy = forms.ChoiceField(
        label=_("Allergy to iodinated contrast (X-ray/CT dye)?"),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
    )

    documents = MultipleFileField(
        label=_("Documents (PDF, JPEG or PNG; up to 10 MB each)"),
        required=False,
        help_text=_("Office notes, imaging reports. You can choose several files."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in red_flags.QUESTIONS:
            self.fields[red_flag_field_name(question.key)] = forms.ChoiceField(
                label=question.finding,
                choices=YES_NO_NOT_SURE,
                widget=forms.RadioSelect(attrs={"data-red-flag-tier": question.tier or ""}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_token",
            Fieldset(
                _("Patient"),
                Row(Column("patient_first_name"), Column("patient_last_name")),
                Row(Column("patient_date_of_birth"), Column("patient_sex"), Column("patient_language")),
                Row(Column("patient_phone"), Column("patient_email")),
            ),
            Fieldset(
                _("Insurance"),
                Row(Column("insurance_carrier"), Column("insurance_member_id"), Column("insurance_group")),
            ),
            Fieldset(
                _("Referral"),
                "reason",
                "diagnosis_codes",
                HTML('{% include "referrals/_icd10_search.html" %}'),
                Row(Column("requested_service"), Column("requested_service_other")),
                Row(Column(InlineRadios("urgency")), Column("location"), Column("pain_onset")),
            ),
            Fieldset(
                _("Conservative care and imaging"),
                Row(Column("physical_therapy_weeks"), Column("imaging_type"), Column("imaging_date")),
                Row(Column("medications_tried"), Column("other_conservative_care")),
            ),
            Fieldset(
                _("Red flags"),
                HTML('{% include "referrals/_red_flag_alert.html" %}'),
                Div(
                    *[InlineRadios(red_flag_field_name(q.key)) for q in red_flags.QUESTIONS],
                    css_class="red-flag-questions",
                ),
            ),
            Fieldset(
                _("Procedure safety"),
                InlineRadios("blood_thinner"),
                "blood_thinner_names",
                "devices",
                InlineRadios("diabetes"),
                InlineRadios("contrast_allergy"),
            ),
        )

    def clean_imaging_date(self):
        value = self.cleaned_data.get("imaging_date")
        _not_in_future(value, _("This date cannot be in the future."))
        return value

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("requested_service") == RequestedService.OTHER and not cleaned.get(
            "requested_service_other"
        ):
            self.add_error("requested_service_other", _("Say which service you are requesting."))
        if cleaned.get("blood_thinner") == "yes" and not cleaned.get("blood_thinner_names", "").strip():
            self.add_error("blood_thinner_names", _("Name the blood thinner(s)."))
        if onset := cleaned.get("pain_onset"):
            try:
                validate_pain_onset(onset, date_of_birth=cleaned.get("patient_date_of_birth"))
            except forms.ValidationError as refused:
                self.add_error("pain_onset", refused)
        if cleaned.get("imaging_type") not in (None, ImagingType.NONE) and not cleaned.get("imaging_date"):
            self.add_error("imaging_date", _("Give the date of the imaging (approximate is fine)."))
        return cleaned

    def referral_data(self) -> dict:
        """The cleaned answers as the fields of a Referral, for `referral_submit`."""
        data = self.cleaned_data
        plain = [
            "patient_first_name",
            "patient_last_name",
            "patient_date_of_birth",
            "patient_sex",
            "patient_phone",
            "patient_email",
            "patient_language",
            "insurance_carrier",
            "insurance_member_id",
            "insurance_group",
            "reason",
            "diagnosis_codes",
            "requested_service",
            "requested_service_other",
            "urgency",
            "location",
            "pain_onset",
            "physical_therapy_weeks",
            "medications_tried",
            "other_conservative_care",
            "imaging_type",
            "imaging_date",
        ]
        result = {name: data[name] for name in plain}
        if result["imaging_type"] == ImagingType.NONE:
            result["imaging_date"] = None
        result["red_flag_answers"] = {q.key: data[red_flag_field_name(q.key)] for q in red_flags.QUESTIONS}
        result["safety_answers"] = {
            "blood_thinner": data["blood_thinner"],
            "blood_thinner_names": data["blood_thinner_names"].strip()
            if data["blood_thinner"] != "no"
            else "",
            "devices": list(data["devices"]),
            "diabetes": data["diabetes"],
            "contrast_allergy": data["contrast_allergy"],
        }
        return result

    @classmethod
    def fresh_initial(cls) -> dict:
        return {"submission_token": uuid.uuid4()}


class AddDocumentForm(NothingCutForm, forms.Form):
    documents = MultipleFileField(label=_("Add documents (PDF, JPEG or PNG; up to 10 MB each)"))


class CancelReferralForm(NothingCutForm, forms.Form):
    note = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Staff (admin) action forms --------------------------------------------------------------------


class StaffNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffAcceptForm(StaffNoteForm):
    CREATE = "new"
    patient_choice = forms.ChoiceField(label=_("Patient record"), widget=forms.RadioSelect, required=True)

    def __init__(self, *args, duplicates=(), linked_patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = {str(patient.public_id): patient for patient in duplicates}
        choices: list[tuple[str, Text]] = [
            (key, _("Link to %(patient)s") % {"patient": patient}) for key, patient in self.duplicates.items()
        ]
        if linked_patient is not None:
            choices = [
                (str(linked_patient.public_id), _("Linked: %(patient)s") % {"patient": linked_patient})
            ]
            self.duplicates = {str(linked_patient.public_id): linked_patient}
        else:
            choices.append((self.CREATE, _("Create a new patient record")))
        patient_choice = cast(forms.ChoiceField, self.fields["patient_choice"])
        patient_choice.choices = choices
        patient_choice.initial = choices[0][0]

    def service_kwargs(self) -> dict:
        choice = self.cleaned_data["patient_choice"]
        if choice == self.CREATE:
            return {"create_patient": True}
        return {"link_patient": self.duplicates[choice]}


class StaffDeclineForm(StaffNoteForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *DeclineReason.choices])


class StaffScheduleForm(StaffNoteForm):
    visit_at = forms.DateTimeField(
        label=_("Visit date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

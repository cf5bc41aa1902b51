"""Nothing a patient or provider types is cut. Built from the forms and the models: every form the
public and the providers fill is listed with the columns it fills, so a new form or field is checked
the day it appears. Each text field has a max_length, the one of its column; a longer value gets a
message next to the field; a one-line box holds one line; no input carries the `maxlength` a
browser cuts pasted text to; every choice fits its column; and a person's details fit the Patient
they are copied into."""

import inspect

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from phonenumber_field.formfields import PhoneNumberField

import appointments.forms
import intake.forms
import referrals.forms
from appointments.models import AppointmentRequest
from clinic.core.honeypot import HONEYPOT_FIELD
from clinic.core.models import PERSON_FIELDS, Patient
from clinic.core.person import PhoneTextFormField
from intake.models import Allergy, Intake, Medication
from referrals.models import Referral, ReferralEvent, ReferringProvider

pytestmark = pytest.mark.django_db

MODULES = [intake.forms, referrals.forms, appointments.forms]

# Forms staff fill in the admin, the account forms (sign-in and password reset, limited with the
# lockout; what they take is checked, not kept), and bases of forms.
NOT_PUBLIC = {
    intake.forms.StepForm,
    intake.forms.TreatmentRowForm,
    intake.forms.DN4ExaminationForm,
    referrals.forms.ProviderLoginForm,
    referrals.forms.ProviderPasswordResetForm,
    referrals.forms.SecondFactorProofForm,
    referrals.forms.StaffNoteForm,
    referrals.forms.StaffAcceptForm,
    referrals.forms.StaffDeclineForm,
    referrals.forms.StaffScheduleForm,
    appointments.forms.BookingForm,
    appointments.forms.RescheduleForm,
    appointments.forms.SafetyOverrideForm,
    appointments.forms.StaffCancelForm,
    appointments.forms.DayViewForm,
}

# Where each public form's answers are kept: models whose columns of the same name it fills, and
# columns it fills under another name. An empty list: kept whole as JSON (only max_length is checked).
COLUMNS: dict[type[forms.BaseForm], list] = {
    intake.forms.StartForm: [Intake],
    intake.forms.ResendLinkForm: [],
    intake.forms.AboutForm: [Intake],
    intake.forms.InsuranceForm: [],
    intake.forms.PainForm: [],
    intake.forms.TreatmentsForm: [],
    intake.forms.InjectionForm: [],
    intake.forms.SurgeryForm: [],
    intake.forms.MedicationForm: [Medication],
    intake.forms.AllergyForm: [Allergy],
    intake.forms.MedicationsForm: [],
    intake.forms.HistoryForm: [],
    intake.forms.QuestionnairesForm: [],
    intake.forms.GoalsForm: [],
    intake.forms.ConsentForm: [Intake],
    # The email is the account's username as well as its address.
    referrals.forms.ProviderRegistrationForm: [
        ReferringProvider,
        {"email": get_user_model()._meta.get_field("username")},
    ],
    referrals.forms.ReferralForm: [Referral],
    referrals.forms.AddDocumentForm: [],
    referrals.forms.CancelReferralForm: [{"note": ReferralEvent._meta.get_field("note")}],
    appointments.forms.AppointmentRequestForm: [AppointmentRequest],
    appointments.forms.AppointmentCancelForm: [],
}

# What a form needs to be built, besides its data.
ARGUMENTS: dict[type[forms.BaseForm], dict] = {intake.forms.QuestionnairesForm: {"instruments": []}}


def forms_defined_in(module) -> set[type[forms.BaseForm]]:
    return {
        cls
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    }


def column_for(form_class, name: str) -> models.Field | None:
    for source in COLUMNS[form_class]:
        if isinstance(source, dict):
            if name in source:
                return source[name]
            continue
        try:
            return source._meta.get_field(name)
        except Exception:  # noqa: S112 - not a column of this model; the next source may have it
            continue
    return None


def build(form_class, data=None) -> forms.BaseForm:
    return form_class(data, **ARGUMENTS.get(form_class, {}))


def typed_fields(form: forms.BaseForm):
    """The text a person types: CharFields shown as an input (not hidden, not a password, not a
    UUID), except phone numbers, which are stored in their own short form whatever was typed."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field, forms.UUIDField | PhoneNumberField):
            continue
        if isinstance(field.widget, forms.HiddenInput | forms.PasswordInput) or name == HONEYPOT_FIELD:
            continue  # the honeypot is for robots, never typed by a person
        yield name, field


def too_long(field: forms.CharField) -> str:
    """A value one character over the field's limit, otherwise of the field's shape."""
    assert field.max_length is not None
    length = field.max_length + 1
    if isinstance(field, forms.EmailField):
        domain = "@example.com"
        return "a" * (length - len(domain)) + domain
    return "a" * length


def test_every_form_of_the_three_journeys_is_listed_as_public_or_not():
    defined = set().union(*(forms_defined_in(module) for module in MODULES))
    assert defined - NOT_PUBLIC - set(COLUMNS) == set(), "a new form: list the columns it fills"
    assert set(COLUMNS) - defined == set()


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda form_class: form_class.__name__)
def test_each_text_field_has_the_length_of_its_column_and_refuses_one_more_character(form_class):
    form = build(form_class)
    for name, field in typed_fields(form):
        assert field.max_length is not None, f"{form_class.__name__}.{name} has no max_length"
        column = column_for(form_class, name)
        if column is not None and column.max_length is not None:
            assert field.max_length == column.max_length, f"{form_class.__name__}.{name}"

        limit = field.max_length
        refused = build(form_class, {name: too_long(field)})
        refused.is_valid()
        assert refused.errors.get(name), f"{form_class.__name__}.{name} took {limit + 1} characters"
        if type(field) in {forms.CharField, forms.EmailField, intake.forms.PersonNameFormField}:
            assert refused.errors[name] == [
                f"Ensure this value has at most {limit} characters (it has {limit + 1})."
            ]


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda form_class: form_class.__name__)
def test_each_one_line_box_refuses_a_line_break_or_a_reversing_mark_by_its_field(form_class):
    form = build(form_class)
    for name, field in typed_fields(form):
        if not isinstance(field.widget, forms.TextInput):
            continue
        for forged in ("12 Oak St\r\nBcc: someone@example.com", "Oak\tSt", "Oak \u202etS"):
            refused = build(form_class, {name: forged})
            refused.is_valid()
            assert refused.errors.get(name), f"{form_class.__name__}.{name} took {forged!r}"


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda form_class: form_class.__name__)
def test_no_input_has_a_maxlength_that_would_cut_pasted_text(form_class):
    form = build(form_class)
    for name in form.fields:
        bound = form[name]
        assert "maxlength" not in bound.build_widget_attrs({}), f"{form_class.__name__}.{name}"
        assert "maxlength" not in str(bound), f"{form_class.__name__}.{name}"


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda form_class: form_class.__name__)
def test_every_choice_fits_the_column_it_is_kept_in(form_class):
    form = build(form_class)
    for name, field in form.fields.items():
        column = column_for(form_class, name)
        if not isinstance(field, forms.ChoiceField) or column is None or column.max_length is None:
            continue
        values = [str(value) for value, _label in field.choices if value != ""]
        # Several choices are kept in one column, separated by commas.
        widest = ",".join(values) if isinstance(field, forms.MultipleChoiceField) else max(values, key=len)
        assert len(widest) <= column.max_length, f"{form_class.__name__}.{name}"


@pytest.mark.parametrize("model", [Intake, Referral, AppointmentRequest])
def test_the_person_fields_copied_into_a_patient_fit_its_columns(model):
    attributes = getattr(model, "PERSON_ATTRIBUTES", {name: name for name in PERSON_FIELDS})
    for patient_field, attribute in attributes.items():
        source = model._meta.get_field(attribute)
        target = Patient._meta.get_field(patient_field)
        if target.max_length is not None:
            assert source.max_length is not None and source.max_length <= target.max_length, attribute


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda form_class: form_class.__name__)
def test_each_phone_kept_in_a_phone_column_refuses_an_extension_it_would_drop(form_class):
    """A phone column keeps the number in E.164, which has no extension; a phone kept as text
    (PhoneTextFormField, in the JSON answers) keeps it."""
    form = build(form_class)
    for name, field in form.fields.items():
        if not isinstance(field, PhoneNumberField):
            continue
        refused = build(form_class, {name: "(217) 555-0143 ext. 12"})
        refused.is_valid()
        if isinstance(field, PhoneTextFormField):
            assert not refused.errors.get(name), f"{form_class.__name__}.{name}"
            assert refused.cleaned_data[name] == "+1 217-555-0143 ext. 12"
        else:
            assert refused.errors.get(name) == [
                "Please give the number without its extension: we keep the number only."
            ], f"{form_class.__name__}.{name}"

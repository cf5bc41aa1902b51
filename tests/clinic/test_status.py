"""The one status machine: every lifecycle's table is whole, a refused move says what and changes
nothing, an allowed one writes its event; a service's refusal lands next to the field it names."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from appointments.models import APPOINTMENT_MOVES, REQUEST_MOVES
from clinic.core.forms import form_add_validation_error, validation_error_text
from clinic.core.status import StatusMoveRefused, StatusMoves
from intake import services as intake_services
from intake.models import INTAKE_MOVES, IntakeEvent, IntakeStatus
from referrals.models import REFERRAL_MOVES
from tests.factories import IntakeFactory, StaffUserFactory

LIFECYCLES = [INTAKE_MOVES, REFERRAL_MOVES, REQUEST_MOVES, APPOINTMENT_MOVES]


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda moves: moves.choices.__name__)
def test_every_status_of_each_lifecycle_has_its_row_and_a_final_status_exists(lifecycle):
    assert set(lifecycle.moves) == set(lifecycle.choices.values)
    assert any(lifecycle.is_final(status) for status in lifecycle.choices.values)


def test_a_table_missing_a_status_or_moving_to_an_unknown_one_is_refused_when_declared():
    with pytest.raises(ValueError, match="every status needs a row"):
        StatusMoves(Light, {Light.RED: frozenset({Light.GREEN})}, refused="no")
    with pytest.raises(ValueError, match="unknown"):
        StatusMoves(Light, {Light.RED: frozenset({"amber"}), Light.GREEN: frozenset()}, refused="no")


@pytest.mark.django_db
def test_a_refused_intake_move_names_both_statuses_and_writes_nothing():
    intake = IntakeFactory()

    with pytest.raises(StatusMoveRefused) as refused:
        intake_services.intake_mark_reviewed(intake=intake, reviewed_by=StaffUserFactory())

    assert (
        validation_error_text(refused.value) == "This questionnaire is “Draft” and cannot become “Reviewed”."
    )
    assert isinstance(refused.value, ValidationError)
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT and intake.reviewed_by is None
    assert not IntakeEvent.objects.filter(intake=intake).exists()


@pytest.mark.django_db
def test_an_allowed_move_writes_one_event_with_both_statuses_and_who_made_it():
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())
    clinician = StaffUserFactory()

    intake_services.intake_mark_reviewed(intake=intake, reviewed_by=clinician)

    events = list(IntakeEvent.objects.filter(intake=intake).values_list("from_status", "to_status", "actor"))
    assert events == [(IntakeStatus.SUBMITTED, IntakeStatus.REVIEWED, clinician.pk)]


class Booking(forms.Form):
    day = forms.DateField()
    note = forms.CharField(required=False)


def test_a_refusal_for_a_field_lands_next_to_it_and_the_rest_on_top():
    form = Booking({"day": "2031-05-06"})
    assert form.is_valid()

    form_add_validation_error(form, ValidationError({"day": "Closed that day.", "physician": "Busy."}))
    form_add_validation_error(form, ValidationError("Try again."))

    assert form.errors["day"] == ["Closed that day."]
    assert form.non_field_errors() == ["Busy.", "Try again."]

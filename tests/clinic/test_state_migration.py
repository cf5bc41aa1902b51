"""The migration that makes the state a choice keeps every stored value: a code typed in another
case becomes the code, anything else stays readable as it was typed; names and ZIP codes are kept."""

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from clinic.core.models import Location, Patient
from referrals.models import ReferringProvider

BEFORE = [("clinic", "0006_public_model_timestamps"), ("referrals", "0003_public_model_timestamps")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_stored_states_become_codes_where_they_are_codes_and_stay_as_typed_otherwise(old_apps):
    patient_model = old_apps.get_model("clinic", "Patient")
    typed = {"ny": "NY", "Il": "IL", "Ne": "NE", "CA": "CA", "Te": "Te", "": "", "x": "x"}
    for index, state in enumerate(typed):
        patient_model.objects.create(
            first_name="Ann",
            last_name=f"Old{index}",
            date_of_birth=datetime.date(1960, 1, 1),
            state=state,
            postal_code="62701 1234",
        )
    old_apps.get_model("clinic", "Location").objects.create(
        name="Old site", address_line1="1 Main St", city="Albany", state="ny", postal_code="12207"
    )
    user = old_apps.get_model("auth", "User").objects.create(username="old-referrer")
    old_apps.get_model("referrals", "ReferringProvider").objects.create(
        user=user,
        first_name="Pat3",
        last_name="Old",
        credentials="MD",
        npi="1234567893",
        practice_name="Old practice",
        address_line1="2 Main St",
        city="Springfield",
        state="il",
        postal_code="62701",
        phone="+12175550100",
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    stored = dict(Patient.objects.values_list("last_name", "state"))
    assert stored == {f"Old{index}": after for index, after in enumerate(typed.values())}
    assert set(Patient.objects.values_list("postal_code", flat=True)) == {"62701 1234"}
    assert Location.objects.get().state == "NY"
    provider = ReferringProvider.objects.get()
    assert (provider.state, provider.first_name) == ("IL", "Pat3")

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.factories import IntakeFactory, ReferralFactory, StaffAlertFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def worklist_rows(content: str) -> str:
    return content.split('id="worklists"', 1)[1].split("</table>", 1)[0]


def test_the_staff_home_page_opens_on_worklists_with_counts(client):
    ReferralFactory.create_batch(3, status="submitted")
    ReferralFactory(status="seen")
    IntakeFactory.create_batch(2, status="submitted", submitted_at=timezone.now())
    client.force_login(StaffUserFactory(role=CLINIC_ADMINISTRATOR))

    rows = worklist_rows(client.get(reverse("admin:index")).content.decode())

    assert "New referrals to triage" in rows and "<td>3</td>" in rows
    assert "Intakes waiting for review" in rows and "<td>2</td>" in rows
    assert "Appointment requests to book" in rows


def test_each_worklist_link_opens_the_filtered_list(client):
    ReferralFactory(status="submitted", patient_last_name="Triageme")
    ReferralFactory(status="seen", patient_last_name="Closedone")
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    index = client.get(reverse("admin:index")).content.decode()
    for row in worklist_rows(index).split("<tr>")[1:]:
        url = row.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        assert client.get(url).status_code == 200, url
    referral_list = client.get(
        reverse("admin:referrals_referral_changelist") + "?worklist=new"
    ).content.decode()
    assert "Triageme" in referral_list and "Closedone" not in referral_list


@pytest.mark.parametrize(
    ("role", "sees"),
    [(FRONT_DESK, "Appointment requests to book"), (CLINICIAN, "Intakes waiting for review")],
)
def test_a_role_sees_the_worklists_it_may_open(client, role, sees):
    client.force_login(StaffUserFactory(role=role))
    assert sees in worklist_rows(client.get(reverse("admin:index")).content.decode())


def test_staff_without_a_role_see_no_worklists(client):
    client.force_login(StaffUserFactory())
    assert 'id="worklists"' not in client.get(reverse("admin:index")).content.decode()


def test_an_unacknowledged_alert_stands_out(client):
    StaffAlertFactory()
    client.force_login(StaffUserFactory(role=CLINICIAN))
    rows = worklist_rows(client.get(reverse("admin:index")).content.decode())
    assert '<strong class="errornote">1</strong>' in rows


def test_the_staff_home_page_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    ReferralFactory.create_batch(25, status="submitted")
    IntakeFactory.create_batch(25, status="submitted", submitted_at=timezone.now())
    client.force_login(StaffUserFactory(role=CLINIC_ADMINISTRATOR))
    # One COUNT per worklist (eight, the held referrals and today's visits among them) and the page's
    # own queries.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:index")).status_code == 200

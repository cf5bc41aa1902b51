import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_home_page_offers_the_three_entry_points(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    for name, label in [
        ("new_patient", "New patient: start your intake"),
        ("request_appointment", "Request an appointment"),
        ("referring_providers", "Referring providers"),
    ]:
        assert f'href="{reverse(name)}"' in content
        assert label in content


def test_each_entry_point_page_opens(client):
    for name in ("new_patient", "request_appointment", "referring_providers"):
        assert client.get(reverse(name)).status_code == 200


def test_home_page_lists_active_locations_only(client):
    LocationFactory(name="Riverside Main Campus")
    LocationFactory(name="Closed Annex", is_active=False)

    content = client.get(reverse("home")).content.decode()

    assert "Riverside Main Campus" in content
    assert "Closed Annex" not in content


def test_home_page_queries_do_not_grow_with_locations(client, django_assert_max_num_queries):
    LocationFactory.create_batch(30)
    with django_assert_max_num_queries(2):
        client.get(reverse("home"))


def test_layout_is_accessible_language_landmarks_and_skip_link(client):
    content = client.get(reverse("home")).content.decode()

    assert re.search(r'<html lang="en', content)
    assert 'href="#main"' in content and 'id="main"' in content
    assert "<header>" in content and "<footer" in content and "<nav" in content


def test_every_script_and_stylesheet_is_served_by_the_app(client):
    content = client.get(reverse("home")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', content)

    assert assets, "the page should load Bootstrap"
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by the app"
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is missing"


def test_pages_send_a_content_security_policy_without_third_parties(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy


def test_unknown_page_is_a_404_not_an_error(client):
    assert client.get("/no-such-page/").status_code == 404


def test_home_page_refuses_a_post(client):
    assert client.post(reverse("home")).status_code == 405

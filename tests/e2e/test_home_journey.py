import pytest

from tests.factories import LocationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_loads_and_leads_to_the_three_entry_points(page, live_server):
    LocationFactory(name="Riverside Main Campus")
    page.goto(live_server.url)

    assert page.locator("html").get_attribute("lang").startswith("en")
    assert page.get_by_role("heading", name="Interventional pain management").is_visible()
    assert page.get_by_text("Riverside Main Campus").is_visible()
    # Bootstrap is served by the app and applied: the primary button is styled.
    start = page.get_by_role("link", name="New patient: start your intake")
    assert start.evaluate("el => getComputedStyle(el).display") == "inline-block"  # plain links are "inline"

    for link_name, heading in [
        ("New patient: start your intake", "New patients"),
        ("Request an appointment", "Request an appointment"),
        ("Referring providers", "Referring providers"),
    ]:
        page.goto(live_server.url)
        page.get_by_role("main").get_by_role("link", name=link_name).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading


def test_keyboard_user_can_skip_to_the_main_content(page, live_server):
    page.goto(live_server.url)
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

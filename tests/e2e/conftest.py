import os
import shutil

import pytest

from tests.conftest import need

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the network flags stop it calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    need(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def staff_sign_in(page, base_url: str, user, password: str = "a-long-test-password") -> None:  # noqa: S107 - the factories' test password
    """Password, then the second step as staff meet it: set up the app on the first sign-in (the key
    read off the page, as a person types it into their app), else the app's current code."""
    import base64

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.clients import current_code

    page.goto(f"{base_url}/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        key = page.locator("code").first.inner_text().replace(" ", "")
        code = f"{TOTP(base64.b32decode(key)).token():06d}"
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Confirm and continue").click()
        page.get_by_role("link", name="I have kept them: continue").click()
    else:
        page.get_by_label("Code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()

"""The fuzz helper sorts answers into ends, and never lets a server error pass."""

import pytest
from django.http import HttpResponse, HttpResponseRedirect

from tests.fuzz import BAD, End, end_of, expect, fuzz, fuzz_client, malformed_url, unexpected, url

# These send one page hundreds of requests to check its answers; its rate limit is tested elsewhere.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rate_limits")]


@pytest.mark.parametrize(
    ("response", "end"),
    [
        (HttpResponse(status=200), End.PAGE),
        (HttpResponseRedirect("/"), End.REDIRECT),
        (HttpResponse(status=400), End.REFUSED),
        (HttpResponse(status=403), End.REFUSED),
        (HttpResponse(status=404), End.NOT_FOUND),
        (HttpResponse(status=405), End.NOT_ALLOWED),
        (HttpResponse(status=410), End.GONE),
        (HttpResponse(status=500), End.SERVER_ERROR),
        (HttpResponse(status=503), End.SERVER_ERROR),
    ],
)
def test_each_status_is_one_end(response, end):
    assert end_of(response) is end


def test_a_server_error_is_never_expected():
    assert unexpected(HttpResponse(status=500), set(End), "boom") == (
        "boom: a server error (500), expected " + " or ".join(sorted(end.value for end in End))
    )


def test_a_refused_form_is_told_apart_from_a_page():
    client = fuzz_client()
    expect(client.post(url("intake:start"), {"email": "not an address"}), {End.FORM_ERROR}, "refused")
    expect(client.get(url("intake:start")), {End.PAGE}, "empty form")


def test_a_malformed_url_reaches_the_resolver_and_is_not_found():
    target = malformed_url("intake:step", BAD, "about", bad="not-a-uuid")
    assert target == "/intake/not-a-uuid/step/about/"
    assert fuzz(fuzz_client(), target, {End.NOT_FOUND}) == []

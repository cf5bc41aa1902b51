"""Every email shares one frame: HTML bodies extend emails/base.html, text bodies include its footer."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, engines
from django.template.loader_tags import ExtendsNode

from clinic.core.emails import email_send, render_email
from tests.factories import OutboundEmailFactory

EMAIL_TEMPLATES = Path(settings.BASE_DIR, "templates", "emails")
EMAIL_NAMES = sorted(path.name.removesuffix("-body.html") for path in EMAIL_TEMPLATES.glob("*-body.html"))


def footer():
    return f"{settings.CLINIC_NAME} · {settings.CLINIC_PHONE}"


def parent_of(template_name):
    nodes = engines["django"].get_template(template_name).template.nodelist
    extends = [node for node in nodes if isinstance(node, ExtendsNode)]
    return extends[0].parent_name.resolve(Context()) if extends else None


def test_every_html_email_extends_the_email_base():
    assert len(EMAIL_NAMES) >= 20, "the email templates were not found"
    parents = {name: parent_of(f"emails/{name}-body.html") for name in EMAIL_NAMES}
    assert [name for name, parent in parents.items() if parent != "emails/base.html"] == []


def test_every_text_email_includes_the_shared_footer():
    sources = {name: (EMAIL_TEMPLATES / f"{name}-body.txt").read_text() for name in EMAIL_NAMES}
    include = '{% include "emails/_footer.txt" %}'
    assert [name for name, source in sources.items() if include not in source] == []


@pytest.mark.parametrize("name", EMAIL_NAMES)
def test_each_rendered_email_shows_the_clinic_header_and_footer(name):
    message = render_email(OutboundEmailFactory.build(template=name, context={}))

    html = message.alternatives[0].content
    assert f'<p class="email-footer">{footer()}</p>' in html
    assert f'<p class="email-header">{settings.CLINIC_NAME}</p>' in html
    assert re.search(r'<html lang="en(-us)?">', html)
    assert message.body.rstrip().endswith(footer())


@pytest.mark.django_db
def test_a_sent_email_carries_the_base_footer_in_both_parts():
    email_send(email_id=OutboundEmailFactory().pk)

    message = mail.outbox[0]
    assert "email delivery is working" in message.body
    assert message.body.rstrip().endswith(footer())
    html = message.alternatives[0].content
    assert "email delivery is working" in html
    assert html.index("email delivery is working") < html.index(f'<p class="email-footer">{footer()}</p>')

import smtplib

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """An email backend whose server hangs up, as an unreachable SMTP relay would."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class GoodbyeFailingBackend(locmem.EmailBackend):
    """A server that accepts the message and then drops the connection instead of saying goodbye."""

    def close(self):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

"""Mail in the tests: a real SMTP server (aiosmtpd) on loopback that keeps what it receives.

Register the fixture in a test module with ``smtp_server = mail_support.smtp_server`` (an
assignment: ruff takes an imported fixture used as a parameter for a redefinition); the app
then sends over SMTP to it, and ``smtp_server.wait_for(n)`` returns the first n messages
received (``email.message.EmailMessage``). With JOBS_IMMEDIATE (the tests) a message is sent
during the commit that queued it, so it has arrived when the request returns.
"""
from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from assess.settings import reconfigure

URL = re.compile(r"https?://[^\s<>\"']+")


class Inbox:
    """The aiosmtpd handler: every message accepted, kept in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TOs)
        self.port = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        parsed = message_from_bytes(envelope.original_content or envelope.content,
                                    policy=policy.default)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5) -> list[EmailMessage]:
        """The first ``count`` messages, once that many have arrived (fails after timeout)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} mail message(s), received "
                                     f"{len(self.messages)}: {self.subjects()}")
            time.sleep(0.02)
        return self.messages[:count]

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [m for m in self.messages if str(m["To"]).lower() == address.lower()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server the app sends its mail to (plain SMTP on loopback, no login)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    reconfigure(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SECURITY="none",
                MAIL_FROM="assess <no-reply@assess.test>", MAIL_TIMEOUT_SECONDS=5)
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def plain_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The first URL in the plain part whose path starts with ``path_prefix``."""
    for url in URL.findall(plain_text(message)):
        if urlsplit(url).path.startswith(path_prefix):
            return url
    raise AssertionError(f"no link to {path_prefix}… in:\n{plain_text(message)}")


def path_of(url: str) -> str:
    """What a test client requests for a URL: its path (and query)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

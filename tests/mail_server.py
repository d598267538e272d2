"""A real SMTP server for the tests (aiosmtpd), on a free local port, keeping what it receives.

with smtp_server() as server:
    settings.EMAIL_PORT = server.port   # and EMAIL_BACKEND = the SMTP backend
    ...
    [message] = server.wait_for(1)      # email.message.EmailMessage objects
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator

from aiosmtpd.controller import Controller

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class Server:
    def __init__(self, controller: Controller, mailbox: Mailbox, port: int):
        self.controller, self.mailbox, self.port = controller, mailbox, port

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return list(self.mailbox.messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        """The messages once there are `count` of them (a mail is delivered asynchronously)."""
        deadline = time.monotonic() + timeout
        while len(self.mailbox.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def clear(self) -> None:
        self.mailbox.messages.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server() -> Iterator[Server]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Server(controller, mailbox, port)
    finally:
        controller.stop()


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()

"""How outbox messages leave: e-mail over SMTP, SMS through an adapter. Chosen by configuration.

- E-mail: MAIL_SERVER set → SMTP (MAIL_PORT, MAIL_USE_TLS for STARTTLS, MAIL_USE_SSL, MAIL_USERNAME,
  MAIL_PASSWORD, MAIL_DEFAULT_SENDER, MAIL_TIMEOUT); unset → the logging backend (development, tests).
- SMS: SMS_BACKEND "log" (default) writes the message to the log; "module:Class" loads a gateway adapter
  (a class with `send(to, body)`; a district plugs in its operator's API there, no code change here).

A backend raises on failure; the outbox counts the attempt and tries again later with backoff.
"""

from __future__ import annotations

import importlib
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from flask import current_app

log = logging.getLogger("anju.outbox")


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


class LogSms:
    """Writes the SMS to the log instead of sending it: the default until a gateway is configured."""

    def send(self, to: str, body: str) -> None:
        log.info("SMS to %s: %s", to, body)


def sms_backend() -> SmsBackend:
    name = current_app.config.get("SMS_BACKEND") or "log"
    if name == "log":
        return LogSms()
    module, _, cls = name.partition(":")
    return getattr(importlib.import_module(module), cls)()


def send_sms(to: str, body: str) -> None:
    sms_backend().send(to, body)


def send_email(to: str, subject: str, body: str) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("E-mail to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or "anju@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="anju")
    message.set_content(body)
    port = int(config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25))
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)

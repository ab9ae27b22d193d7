"""The SMTP transport: a MAIL_URL parsed into a server, a message composed and sent with smtplib.

`smtps://user:pw@host:465` is implicit TLS; `smtp://user:pw@host:587` must upgrade with
STARTTLS (a server that does not offer it is an error, never a silent downgrade); only a
loopback host (a local relay) is spoken to in plain SMTP. Certificates are always verified.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

SEND_TIMEOUT_SECONDS = 10
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "plain": 25}


class MailUrlError(ValueError):
    """MAIL_URL cannot be used; the reason in words an operator can act on (config.py names
    the setting)."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str  # "ssl" (implicit TLS), "starttls" or "plain" (loopback only)
    username: str | None = None
    password: str | None = None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_mail_url(url: str) -> MailServer:
    """The server a MAIL_URL names, or MailUrlError (never echoing the password)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise MailUrlError("must start with smtp:// or smtps://")
    host = parts.hostname
    if not host:
        raise MailUrlError("must name a host, e.g. smtp://user:password@host:587")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise MailUrlError("the port must be a number from 1 to 65535")
    security = "ssl" if parts.scheme == "smtps" else "plain" if _is_loopback(host) else "starttls"
    return MailServer(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def checked_mail_url(text: str) -> str:
    """MAIL_URL as read from the environment: refused at start-up when it cannot be used."""
    parse_mail_url(text)
    return text.strip()


def compose(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message with the headers receiving servers expect (Date, Message-ID)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    return message


def send(server: MailServer, message: EmailMessage) -> None:
    """Deliver one message; raises smtplib.SMTPException or OSError when it cannot."""
    context = ssl.create_default_context()
    if server.security == "ssl":
        connection = smtplib.SMTP_SSL(
            server.host, server.port, timeout=SEND_TIMEOUT_SECONDS, context=context
        )
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=SEND_TIMEOUT_SECONDS)
    with connection:
        if server.security == "starttls":
            connection.starttls(context=context)
        if server.username:
            connection.login(server.username, server.password or "")
        connection.send_message(message)

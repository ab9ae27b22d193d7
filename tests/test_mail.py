"""Mail: the SMTP transport against a real SMTP server on loopback (aiosmtpd), links built
from PUBLIC_BASE_URL whatever Host a request claims, and a failed send that is never a 500."""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal import accounts, mail
from portal.accounts import token_hash
from portal.config import ConfigError, load_config
from portal.extensions import db
from portal.links import DEVELOPMENT_BASE_URL, public_url
from portal.models import AccountToken, OutboxMessage
from tests.accounts_support import CSRF, PASSWORD, make_user, post, sign_in
from tests.conftest import make_app

PUBLIC = "https://haresign.example.org"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
SMTP_PORTS = range(5960, 5990)


def free_port() -> int:
    for port in SMTP_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port in 5960-5989")


class Recorder:
    """An aiosmtpd handler that keeps every message it accepts; it refuses recipients at
    refused.example, as a real server refuses an address it will not deliver to."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; yields (its MAIL_URL, the recorder)."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield f"smtp://127.0.0.1:{port}", recorder
    controller.stop()


def our_log(caplog) -> str:
    """What the portal logged (the test SMTP server's own "mail.log" names addresses)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def only_link(message: EmailMessage, kind: str) -> str:
    links = re.findall(rf"\S+/account/{kind}/\S+", body_of(message))
    assert len(links) == 1, body_of(message)
    return links[0]


def stored_token(app, link: str, purpose: str) -> bool:
    """True when the link's last segment is the live token stored (as a hash) for `purpose`."""
    with app.app_context():
        found = db.session.scalar(
            db.select(AccountToken).filter_by(
                token_hash=token_hash(link.rsplit("/", 1)[1]), purpose=purpose
            )
        )
    return found is not None


def closed(response):
    """The response once the server has sent it and closed it, which is when the portal talks
    to the SMTP server (so no page's timing shows whether a message was sent)."""
    response.get_data()
    response.close()
    return response


def test_sign_up_and_reset_links_arrive_over_smtp(app, client, smtp_server, caplog):
    caplog.set_level(logging.INFO)
    url, recorder = smtp_server
    app.config.update(MAIL_URL=url, PUBLIC_BASE_URL=PUBLIC, MAIL_FROM="Haresign <mail@example.org>")
    signed_up = post(client, "/account/sign-up", {"email": "new@example.org", "password": PASSWORD})
    assert signed_up.status_code == 302
    assert signed_up.headers["Location"] == "/account/check-email"
    assert recorder.messages == []  # not while the response is still going out
    closed(signed_up)
    [(rcpt, verify)] = recorder.messages
    assert rcpt == ["new@example.org"]
    assert (verify["To"], verify["From"]) == ("new@example.org", "Haresign <mail@example.org>")
    assert verify["Subject"] == "Confirm your email address for Haresign"
    assert verify["Message-ID"] and verify["Date"]
    link = only_link(verify, "verify")
    assert re.fullmatch(rf"{re.escape(PUBLIC)}/account/verify/[A-Za-z0-9_-]{{43}}", link)
    assert stored_token(app, link, "verify")
    confirmed = post(client, link.removeprefix(PUBLIC))
    assert confirmed.status_code == 200
    assert "Email address confirmed" in confirmed.get_data(as_text=True)

    asked = closed(post(client, "/account/forgot-password", {"email": "new@example.org"}))
    assert asked.status_code == 200
    reset = recorder.messages[1][1]
    assert (reset["To"], reset["Subject"]) == ("new@example.org", "Reset your Haresign password")
    link = only_link(reset, "reset-password")
    assert re.fullmatch(rf"{re.escape(PUBLIC)}/account/reset-password/[A-Za-z0-9_-]{{43}}", link)
    assert stored_token(app, link, "reset")
    assert client.get(link.removeprefix(PUBLIC)).status_code == 200
    with app.app_context():  # with SMTP, nothing is kept in the outbox
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0
    assert "message sent: subject='Reset your Haresign password'" in our_log(caplog)
    assert "new@example.org" not in our_log(caplog)
    assert "/account/verify/" not in our_log(caplog)
    assert "/account/reset-password/" not in our_log(caplog)


def forged_post(client, url: str, data: dict | None = None):
    """A form post whose every request (the form's page too, for its CSRF cookie) claims the
    foreign host."""
    page = client.get("/account/sign-in", headers=FORGED).get_data(as_text=True)
    payload = {"csrf_token": CSRF.search(page).group(1), **(data or {})}
    return closed(client.post(url, data=payload, headers=FORGED))


@pytest.mark.usefixtures("app")  # empties the scratch database afterwards
@pytest.mark.parametrize("proxies", [0, 1])
@pytest.mark.parametrize("public", [PUBLIC, None])
def test_links_come_from_public_base_url_whatever_the_host(
    scratch_url, smtp_server, public, proxies
):
    url, recorder = smtp_server
    app = make_app(scratch_url, MAIL_URL=url, PUBLIC_BASE_URL=public, TRUSTED_PROXIES=proxies)
    expected = public or DEVELOPMENT_BASE_URL
    make_user(app, "known@example.org")
    make_user(app, "later@example.org", verified=False)
    client = app.test_client()
    sent = forged_post(
        client, "/account/sign-up", {"email": "fresh@example.org", "password": PASSWORD}
    )
    assert sent.status_code == 302
    asked = forged_post(client, "/account/forgot-password", {"email": "known@example.org"})
    assert asked.status_code == 200
    signed_in = forged_post(
        client, "/account/sign-in", {"email": "later@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert forged_post(client, "/account/resend-verification").status_code == 302
    [(_, verify), (_, reset), (_, resent)] = recorder.messages
    assert only_link(verify, "verify").startswith(f"{expected}/account/verify/")
    assert only_link(reset, "reset-password").startswith(f"{expected}/account/reset-password/")
    assert only_link(resent, "verify").startswith(f"{expected}/account/verify/")
    for _, message in recorder.messages:
        assert "evil.example" not in message.as_string()
    with app.app_context():
        db.engine.dispose()


def test_a_mail_that_cannot_be_sent_is_never_a_500(app, client, smtp_server, caplog):
    caplog.set_level(logging.INFO)
    url, recorder = smtp_server
    make_user(app, "known@refused.example")
    make_user(app, "unverified@refused.example", verified=False)
    dead = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    failures = {
        "no server": (dead, "ConnectionRefusedError"),
        "refused": (url, "SMTPRecipientsRefused"),
    }
    for case, (mail_url, error) in failures.items():
        caplog.clear()
        app.config["MAIL_URL"] = mail_url
        email = f"{case.replace(' ', '-')}@refused.example"
        signed_up = closed(post(client, "/account/sign-up", {"email": email, "password": PASSWORD}))
        assert signed_up.status_code == 302
        assert signed_up.headers["Location"] == "/account/check-email"
        known = closed(post(client, "/account/forgot-password", {"email": "known@refused.example"}))
        unknown = closed(
            post(client, "/account/forgot-password", {"email": "ghost@refused.example"})
        )
        assert known.status_code == unknown.status_code == 200
        assert known.get_data() == unknown.get_data()  # the same neutral answer
        logged = our_log(caplog)
        for subject in ("Confirm your email address for Haresign", "Reset your Haresign password"):
            assert f"message not sent: subject='{subject}' error={error}" in logged
        assert "refused.example" not in logged
        assert "/account/" not in logged
    # Signed in, a resend that fails is not a 500 either.
    sign_in(client, "unverified@refused.example")
    resent = closed(post(client, "/account/resend-verification"))
    assert resent.status_code == 302
    assert "error=SMTPRecipientsRefused" in our_log(caplog).splitlines()[-1]
    assert recorder.messages == []


def test_outside_a_request_mail_goes_at_once(scratch_url, smtp_server):
    """A command (no request, no response to wait for) sends before it returns. (Not the `app`
    fixture: pytest-flask pushes a request context for it.)"""
    url, recorder = smtp_server
    app = make_app(scratch_url, MAIL_URL=url)
    with app.app_context():
        accounts.send_message("ops@example.org", "Data refreshed", "All datasets are current.")
        db.engine.dispose()
    [(rcpt, message)] = recorder.messages
    assert (rcpt, message["Subject"], message["From"]) == (
        ["ops@example.org"], "Data refreshed", "Haresign <no-reply@localhost>",
    )  # fmt: skip
    assert body_of(message).strip() == "All datasets are current."


def test_credentials_are_sent_and_starttls_is_never_skipped(smtp_server):
    url, recorder = smtp_server
    port = int(url.rsplit(":", 1)[1])
    server = mail.parse_mail_url(f"smtp://portal%40example.org:p%40ss:w0rd@127.0.0.1:{port}")
    message = mail.compose("Haresign <mail@example.org>", "to@example.org", "Hello", "Body text")
    mail.send(server, message)
    assert recorder.logins == [(b"portal@example.org", b"p@ss:w0rd")]
    assert body_of(recorder.messages[0][1]).strip() == "Body text"
    # A server that does not offer STARTTLS is refused, never spoken to in plain text.
    insisting = mail.MailServer("127.0.0.1", port, "starttls", "user", "secret")
    with pytest.raises(smtplib.SMTPNotSupportedError):
        mail.send(insisting, message)
    assert recorder.logins == [(b"portal@example.org", b"p@ss:w0rd")]
    assert len(recorder.messages) == 1


def self_signed_certificate(folder) -> tuple[str, str]:
    """A certificate for localhost and its key, as PEM files; trusted only where a test says."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_transports_send_only_to_a_verified_server(tmp_path, monkeypatch, security):
    cert_file, key_file = self_signed_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    recorder, port = Recorder(), free_port()
    tls = (
        {"tls_context": server_context, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": server_context, "auth_require_tls": False}
    )
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port, authenticator=recorder.authenticate, **tls
    )
    controller.start()
    try:
        server = mail.MailServer("localhost", port, security, "portal", "secret")
        message = mail.compose("Haresign <mail@example.org>", "to@example.org", "Hello", "Text")
        # An untrusted certificate stops the conversation before any credential is sent.
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
        with pytest.raises(ssl.SSLCertVerificationError):
            mail.send(server, message)
        assert recorder.logins == [] and recorder.messages == []
        monkeypatch.setenv("SSL_CERT_FILE", cert_file)
        mail.send(server, message)
    finally:
        controller.stop()
    assert recorder.logins == [(b"portal", b"secret")]
    [(rcpt, received)] = recorder.messages
    assert (rcpt, received["Subject"]) == (["to@example.org"], "Hello")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:pw@mail.example.org:587",
            ("mail.example.org", 587, "starttls", "user", "pw"),
        ),
        ("smtp://mail.example.org", ("mail.example.org", 587, "starttls", None, None)),
        ("smtps://u%40x:p%2Fw@mail.example.org", ("mail.example.org", 465, "ssl", "u@x", "p/w")),
        ("smtp://127.0.0.1:25", ("127.0.0.1", 25, "plain", None, None)),
        ("smtp://localhost", ("localhost", 25, "plain", None, None)),
        ("smtp://[::1]:2525", ("::1", 2525, "plain", None, None)),
    ],
)
def test_mail_url_names_server_port_and_security(url, expected):
    server = mail.parse_mail_url(url)
    assert (server.host, server.port, server.security, server.username, server.password) == expected


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://mail.example.org", "MAIL_URL: must start with smtp:// or smtps://"),
        ("mail.example.org:587", "MAIL_URL: must start with smtp:// or smtps://"),
        ("smtp://", "MAIL_URL: must name a host, e.g. smtp://user:password@host:587"),
        ("smtp://user:secret@host:99999", "MAIL_URL: the port must be a number from 1 to 65535"),
        ("smtp://host:0", "MAIL_URL: the port must be a number from 1 to 65535"),
        ("smtp://host:port", "MAIL_URL: the port must be a number from 1 to 65535"),
    ],
)
def test_an_unusable_mail_url_stops_start_up(monkeypatch, url, error):
    monkeypatch.setenv("MAIL_URL", url)
    with pytest.raises(ConfigError) as raised:
        load_config()
    assert str(raised.value) == error
    assert "secret" not in str(raised.value)


def test_production_requires_mail_url_and_a_real_sender(monkeypatch):
    for name in ("MAIL_URL", "MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    production = {
        "ENV_NAME": "production",
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.example.org/haresign",
        "PUBLIC_BASE_URL": PUBLIC,
    }
    with pytest.raises(ConfigError) as raised:
        load_config(production)
    assert str(raised.value) == (
        "MAIL_URL must name the SMTP server in production, e.g. smtp://user:pw@host:587"
    )
    monkeypatch.setenv("MAIL_URL", "smtp://user:pw@mail.example.org:587")
    with pytest.raises(ConfigError) as raised:
        load_config(production)
    assert str(raised.value) == "MAIL_FROM must be a real sender address in production"
    monkeypatch.setenv("MAIL_FROM", "Haresign <no-reply@haresign.example.org>")
    config = load_config(production)
    assert config["MAIL_URL"] == "smtp://user:pw@mail.example.org:587"
    assert config["MAIL_FROM"] == "Haresign <no-reply@haresign.example.org>"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (None, "http://127.0.0.1:5000/account/verify/abc"),
        ("https://haresign.example.org", "https://haresign.example.org/account/verify/abc"),
        ("https://example.org/haresign", "https://example.org/haresign/account/verify/abc"),
    ],
)
def test_public_url_needs_no_request_and_keeps_a_path_prefix(scratch_url, base, expected):
    app = make_app(scratch_url, PUBLIC_BASE_URL=base)
    with app.test_request_context("/", headers=FORGED):
        assert public_url("accounts.verify", token="abc") == expected
    with app.app_context():
        assert public_url("accounts.verify", token="abc") == expected


def test_mail_url_and_mail_from_are_read_from_the_environment(env_app, smtp_server):
    url, recorder = smtp_server
    application = env_app(MAIL_URL=url, MAIL_FROM="Practice Team <team@example.org>")
    make_user(application, "env@example.org")
    client = application.test_client()
    closed(post(client, "/account/forgot-password", {"email": "env@example.org"}))
    [(recipients, message)] = recorder.messages
    assert recipients == ["env@example.org"]
    assert message["From"] == "Practice Team <team@example.org>"
    assert only_link(message, "reset-password").startswith(f"{DEVELOPMENT_BASE_URL}/account/")
    with application.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0

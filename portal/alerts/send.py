"""`flask alerts send`: one digest per user per refresh over the SMTP transport, recording each
item sent so a rerun sends nothing twice. Logs carry user ids and counts, never addresses or
names."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template

from portal import mail
from portal.alerts.digest import DigestItem, digest
from portal.alerts.tokens import unsubscribe_token
from portal.alerts.watchlist import is_subscribed, now
from portal.extensions import db
from portal.links import public_url
from portal.models import AlertSent, User, Watch

log = logging.getLogger(__name__)
ONE_CLICK = "List-Unsubscribe=One-Click"


class AlertsNotConfigured(RuntimeError):
    """MAIL_URL is unset: alerts go only over SMTP (never into the development outbox)."""


@dataclass(frozen=True)
class SendSummary:
    users: int  # digests sent
    items: int  # alerts in them
    failed: int  # digests the server did not take (retried on the next run)


def unsubscribe_url(user_id: int) -> str:
    return public_url("watchlist.unsubscribe", token=unsubscribe_token(user_id))


def compose_digest(user: User, items: list[DigestItem]):
    """The digest as a multipart message: plain text and HTML, with RFC 8058 headers."""
    config = current_app.config
    link = unsubscribe_url(user.id)
    context = {"items": items, "unsubscribe": link, "watchlist": public_url("watchlist.index")}
    count = len(items)
    subject = f"Haresign alerts: {count} update{'s' if count != 1 else ''}"
    message = mail.compose(config["MAIL_FROM"], user.email, subject,
                           render_template("mail/digest.txt", **context))  # fmt: skip
    message.add_alternative(render_template("mail/digest.html", **context), subtype="html")
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    return message


def send_all() -> SendSummary:
    url = current_app.config.get("MAIL_URL")
    if not url:
        raise AlertsNotConfigured("MAIL_URL is not set, so no alerts can be sent.")
    server = mail.parse_mail_url(url)
    user_ids = db.session.scalars(sa.select(Watch.user_id).distinct().order_by(Watch.user_id))
    users = items = failed = 0
    for user_id in list(user_ids):
        if not is_subscribed(user_id):
            continue
        user = db.session.get(User, user_id)
        found = digest(user_id)
        if user is None or not found:
            continue
        try:
            mail.send(server, compose_digest(user, found))
        except (smtplib.SMTPException, OSError) as exc:
            failed += 1
            log.warning("alert digest not sent: user_id=%d error=%s", user_id, type(exc).__name__)
            continue
        sent_at = now()
        db.session.add_all(AlertSent(user_id=user_id, key=i.key, sent_at=sent_at) for i in found)
        db.session.commit()
        users, items = users + 1, items + len(found)
        log.info("alert digest sent: user_id=%d items=%d", user_id, len(found))
    return SendSummary(users, items, failed)

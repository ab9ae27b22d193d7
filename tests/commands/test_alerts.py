"""`flask alerts send` through a real SMTP server on loopback: one digest per user with plain
text and HTML parts, figures equal to the query layer's, links from PUBLIC_BASE_URL, RFC 8058
one-click unsubscribe that works end to end without a session, and a rerun that sends nothing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from portal.accounts import create_user
from portal.alerts import watchlist
from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.models import AlertSent, Practice, PracticeMetric, User
from portal.queries import saved_groups as sg
from portal.queries.benchmarks import group_values, practice_figure
from tests.accounts_support import PASSWORD, add_practices
from tests.ingest.test_gpad import practice_rates, published
from tests.queries.test_saved_groups import people  # noqa: F401  (fixture)
from tests.queries.test_trend import PERIODS, SERIES
from tests.test_mail import body_of, our_log, smtp_server  # noqa: F401  (fixture)

PUBLIC = "https://haresign.example.org"


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def send(app):
    return app.test_cli_runner().invoke(args=["alerts", "send"])


@pytest.fixture
def mailing(real_app, smtp_server, monkeypatch):  # noqa: F811
    url, recorder = smtp_server
    monkeypatch.setitem(real_app.config, "MAIL_URL", url)
    monkeypatch.setitem(real_app.config, "PUBLIC_BASE_URL", PUBLIC)
    return recorder


@pytest.mark.realdata
def test_digest_through_smtp_rerun_and_one_click_unsubscribe(
    real_app,
    nhs_data,
    people,  # noqa: F811
    mailing,
    caplog,
):
    rates = practice_rates(published(nhs_data))
    codes = list(rates.index[:3])
    with real_app.app_context():
        owner = db.session.get(User, people[0])
        email = owner.email
        group = sg.create_group(owner, "North locality")
        for code in codes:
            sg.add_practice(owner, group.id, code)
        pcn_code = db.session.get(Practice, codes[0]).pcn_code
        watchlist.follow(owner, "practice", codes[0], metric="dna_rate", threshold="0.1",
                         direction="above")  # fmt: skip
        watchlist.follow(owner, "group", str(group.id), new_data=True, metric="dna_rate")
        watchlist.follow(owner, "pcn", pcn_code, new_data=False, metric="dna_rate",
                         threshold="1000", direction="below")  # fmt: skip
        dna = METRICS["dna_rate"]
        expected_practice = practice_figure(codes[0], "dna_rate", "2025-10")
        expected_group = sg.value_over(dna, "2025-10", codes, str(group.id), "g")
        expected_pcn = group_values(dna, "2025-10", {"pcn": pcn_code})[0]
    chosen = rates.loc[codes]
    assert expected_group.value == pytest.approx(chosen["dna"].sum() / chosen["total"].sum() * 100)

    with caplog.at_level("INFO"):
        result = send(real_app)
    assert result.exit_code == 0, result.output
    mine = [(to, m) for to, m in mailing.messages if to == [email]]
    assert len(mine) == 1  # one digest for everything the user follows
    _, message = mine[0]
    text, html = body_of(message).replace("\r\n", "\n"), html_of(message)
    assert message["Subject"].startswith("Haresign alerts: ")
    assert message.get_body(preferencelist=("plain",)) is not None
    # the practice crossed 0.1% (above), the PCN is below 1000%; the group has new data
    practice_block = re.search(rf"Threshold: above .*?\({codes[0]}\)\n(.*?)\n", text).group(1)
    assert practice_block == f"{dna.label}, 2025-10: {expected_practice.display}"
    group_block = re.search(
        rf"New data: North locality \({group.id}\)\n{re.escape(dna.label)}, 2025-10: (.*)\n", text
    )
    assert group_block.group(1) == expected_group.display
    pcn_block = re.search(rf"Threshold: below .*?\({pcn_code}\)\n.*?: (.*)\n", text)
    assert pcn_block.group(1) == expected_pcn.display
    links = re.findall(r"https?://\S+", text)
    assert links and all(link.startswith(PUBLIC + "/") for link in links)
    assert f"{PUBLIC}/groups/{group.id}?metric=dna_rate" in text
    assert f'href="{PUBLIC}/groups/{group.id}?metric=dna_rate"' in html
    assert expected_group.display in html and expected_practice.display in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.startswith(f"{PUBLIC}/alerts/unsubscribe/") and unsubscribe in text
    logged = our_log(caplog)
    assert email not in logged and "North locality" not in logged
    assert f"alert digest sent: user_id={people[0]} items=" in logged

    # idempotent: a rerun sends nothing
    before = len(mailing.messages)
    again = send(real_app)
    assert again.exit_code == 0 and "sent 0 digest(s) with 0 alert(s)" in again.output
    assert len(mailing.messages) == before

    # one-click unsubscribe: GET only asks; POST without session or CSRF token unsubscribes
    path = urlsplit(unsubscribe).path
    browser = real_app.test_client()
    page = browser.get(path)
    assert page.status_code == 200 and "Unsubscribe from alert emails" in page.get_data(
        as_text=True
    )
    with real_app.app_context():
        assert watchlist.is_subscribed(people[0])
    forged = browser.post(path[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 404
    done = browser.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    with real_app.app_context():
        assert not watchlist.is_subscribed(people[0])
        db.session.query(AlertSent).filter_by(user_id=people[0]).delete()  # would be new again
        db.session.commit()
    assert send(real_app).exit_code == 0
    assert len(mailing.messages) == before  # unsubscribed: nothing


def test_an_spc_signal_is_mailed_once(app, smtp_server, monkeypatch):  # noqa: F811
    url, recorder = smtp_server
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    add_practices(app, *SERIES)
    with app.app_context():
        for code, values in SERIES.items():
            for period, value in zip(PERIODS, values, strict=True):
                db.session.add(PracticeMetric(metric="dna_rate", period=period,
                                              practice_code=code, value=value))  # fmt: skip
        db.session.commit()
        user = create_user("spc@example.org", PASSWORD)
        watchlist.follow(user, "practice", "Y00002", new_data=False, spc=True, metric="dna_rate")
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1 digest(s) with 1 alert(s)" in result.output
    ((to, message),) = recorder.messages
    assert to == ["spc@example.org"]
    text = body_of(message).replace("\r\n", "\n")
    label = METRICS["dna_rate"].label
    assert "SPC: special cause concerning (beyond_limit): Practice Y00002 (Y00002)" in text
    assert f"{label}, 2025-01: {format_value(METRICS['dna_rate'], 16.0)}\n" in text
    assert "http://127.0.0.1:5000/practices/Y00002/" in text  # no PUBLIC_BASE_URL: development
    again = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert "sent 0 digest(s)" in again.output and len(recorder.messages) == 1


def test_without_mail_url_it_refuses(app):
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 1
    assert "MAIL_URL is not set, so no alerts can be sent." in result.output

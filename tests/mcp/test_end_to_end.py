"""End to end: the official `mcp` Python client signs in through our OAuth server (discovery,
dynamic registration, sign-in, consent, PKCE, token) and answers an assistant's typical
questions with the tools; every answer is checked against the query layer."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import anyio
import httpx
import httpx2
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata

from portal.access import NOT_FOUND_OR_DENIED
from portal.extensions import db
from portal.models import Practice
from portal.queries.benchmarks import practice_benchmark
from portal.queries.compare import compare_practices
from portal.queries.funding import funding
from portal.queries.practices import get_practice
from portal.queries.prevalence import disease_prevalence
from tests.mcp.conftest import PASSWORD

CALLBACK = "http://127.0.0.1:9/oauth/callback"


class Storage:
    def __init__(self):
        self.tokens = self.client = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, info):
        self.client = info


def hidden_fields(html: str) -> dict[str, str]:
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


class Browser:
    """The person at the keyboard: signs in and approves the consent screen."""

    def __init__(self, base: str, email: str):
        self.base, self.email = base, email
        self.http = httpx.Client(follow_redirects=False, timeout=30)
        self.callback: str | None = None

    def go(self, url: str) -> None:
        page = self.http.get(url)
        if page.status_code == 302 and "sign-in" in page.headers["Location"]:
            sign_in = urljoin(self.base, page.headers["Location"])
            form = hidden_fields(self.http.get(sign_in).text)
            answer = self.http.post(
                sign_in.split("?")[0],
                data={**form, "email": self.email, "password": PASSWORD},
            )
            assert answer.status_code == 302, answer.text[:500]
            page = self.http.get(urljoin(self.base, answer.headers["Location"]))
        assert page.status_code == 200, page.text[:500]
        assert "read-only" in page.text.lower()  # the consent screen says what it grants
        approved = self.http.post(
            self.base + "/oauth/authorize", data={**hidden_fields(page.text), "decision": "approve"}
        )
        assert approved.status_code == 302
        self.callback = approved.headers["Location"]
        assert self.callback.startswith(CALLBACK)


def ask(live, email: str, questions):
    browser = Browser(live.base, email)

    async def redirect(url: str) -> None:
        await anyio.to_thread.run_sync(browser.go, url)

    async def callback() -> AuthorizationCodeResult:
        query = parse_qs(urlsplit(browser.callback).query)
        return AuthorizationCodeResult(
            code=query["code"][0], state=query["state"][0], iss=query.get("iss", [None])[0]
        )

    auth = OAuthClientProvider(
        server_url=live.base + "/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="Assistant under test",
            redirect_uris=[CALLBACK],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=Storage(),
        redirect_handler=redirect,
        callback_handler=callback,
    )

    async def main():
        async with httpx2.AsyncClient(auth=auth, timeout=30) as http:
            transport = streamable_http_client(live.base + "/mcp", http_client=http)
            async with Client(transport) as client:
                return await questions(client)

    return anyio.run(main)


def test_an_assistant_answers_typical_questions(live):
    with live.app.app_context():
        practices = db.session.scalars(
            db.select(Practice).where(Practice.status == "active").order_by(Practice.code)
        ).all()
        target = practices[2]
        name, code = target.name, target.code
        three = [p.code for p in practices[3:6]]

    async def questions(client):
        s = {}
        hits = await client.call_tool("search_practices", {"query": name})
        s["found"] = hits.structured_content["practices"][0]["code"]
        s["overview"] = await client.call_tool("get_practice_overview", {"practice": code})
        s["compare"] = await client.call_tool(
            "compare_practices", {"practices": three, "metrics": ["patients_per_gp_fte"]}
        )
        s["dna"] = await client.call_tool("get_benchmark", {"metric": "dna_rate", "practice": code})
        s["trend"] = await client.call_tool(
            "get_registered_patients", {"practice": code, "months": 6}
        )
        s["funding"] = await client.call_tool("get_funding", {"practice": code})
        s["prevalence"] = await client.call_tool(
            "get_disease_prevalence", {"practice": code, "conditions": ["diabetes", "hypertension"]}
        )
        s["paragraph"] = await client.get_prompt("practice_overview", {"practice": code})
        s["private"] = await client.call_tool("get_private_data", {"practice": code})
        return s

    answers = ask(live, "bob@example.org", questions)

    with live.app.app_context():
        practice = get_practice(code)
        headline = compare_practices([code], ["list_size", "dna_rate"]).practices[0].figures
        per_gp = compare_practices(three, ["patients_per_gp_fte"])
        dna = practice_benchmark(practice, "dna_rate")
        size = practice_benchmark(practice, "list_size")
        money = funding(practice)
        prevalence = disease_prevalence(practice, ["diabetes", "hypertension"])

    # Find a practice by name; its list size and DNA rate.
    assert answers["found"] == code
    figures = {
        f["metric"]: f["practice"] for f in answers["overview"].structured_content["figures"]
    }
    assert figures["list_size"]["value"] == headline["list_size"].value
    assert figures["dna_rate"]["value"] == headline["dna_rate"].value
    assert headline["dna_rate"].display in answers["overview"].content[0].text

    # Patients per GP across three ODS codes.
    rows = answers["compare"].structured_content["practices"]
    assert [r["code"] for r in rows] == three
    assert [r["figures"]["patients_per_gp_fte"]["value"] for r in rows] == [
        p.figures["patients_per_gp_fte"].value for p in per_gp.practices
    ]

    # The national median DNA rate and where the practice sits.
    bench = answers["dna"].structured_content
    assert bench["national_distribution"]["median"] == dna.distribution.median
    assert bench["national_percentile"] == dna.percentile

    # How the list size is trending (oldest first, ending with the latest figure).
    trend = answers["trend"].structured_content["metrics"][0]["trend"]
    assert len(trend) == 6 and trend[-1]["value"] == size.figure.value

    # Funding per weighted patient against England.
    got = answers["funding"].structured_content["funding"]["per_weighted"]
    england = {g["level"]: g for g in got["groups"]}["england"]
    assert got["figure"]["value"] == money.per_weighted.figure.value
    assert england["value"] == {g.level: g for g in money.per_weighted.groups}["england"].value

    # Diabetes and hypertension prevalence on the list.
    registers = answers["prevalence"].structured_content["prevalence"]["registers"]
    assert [(r["code"], r["prevalence"]["figure"]["value"]) for r in registers] == [
        (r.code, r.prevalence.figure.value) for r in prevalence.registers
    ]
    assert {r["code"] for r in registers} == {"DM", "HYP"}

    # A one-paragraph overview, from the prompt with the figures it must use.
    paragraph = answers["paragraph"].messages[0].content.text
    assert "one paragraph" in paragraph and headline["list_size"].display in paragraph

    # Private data for a practice without an active role: the generic answer.
    assert answers["private"].is_error is True
    assert answers["private"].content[0].text == NOT_FOUND_OR_DENIED

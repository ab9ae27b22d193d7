"""The official `mcp` Python client (2.x) against the live endpoint: listing, calling every tool
(the client validates structuredContent against each output schema), argument errors,
resources, the prompt and completion."""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client

from portal.access import NOT_FOUND_OR_DENIED

CONTRACT = {
    "search_practices", "get_practice_overview", "get_registered_patients", "get_appointments",
    "get_online_consultations", "get_telephony", "get_workforce", "get_patient_experience",
    "get_disease_prevalence", "get_qof_achievement", "get_funding", "compare_practices",
    "get_benchmark", "list_metrics", "list_my_practices", "get_private_data", "search", "fetch",
    "get_trend", "list_my_groups", "get_group_overview",
}  # fmt: skip


def run_client(live, work, token: str | None = None):
    """Connect with the official client (auto mode: server/discover, else initialize)."""

    async def main():
        headers = {"Authorization": f"Bearer {token or live.token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            transport = streamable_http_client(live.url, http_client=http)
            async with Client(transport) as client:
                return await work(client)

    return anyio.run(main)


def calls(live) -> dict[str, dict]:
    m, o = live.member_practice, live.other_practice
    return {
        "search_practices": {"query": "surgery", "limit": 5},
        "get_practice_overview": {"practice": m},
        "get_registered_patients": {"practice": m, "months": 6},
        "get_appointments": {"practice": m, "months": 3},
        "get_online_consultations": {"practice": m},
        "get_telephony": {"practice": m, "months": 2},
        "get_workforce": {"practice": m},
        "get_patient_experience": {"practice": m},
        "get_disease_prevalence": {"practice": m, "conditions": ["diabetes", "HYP"]},
        "get_qof_achievement": {"practice": m},
        "get_funding": {"practice": m},
        "compare_practices": {"practices": [m, o], "metrics": ["patients_per_gp_fte"]},
        "get_benchmark": {"metric": "dna_rate", "practice": m, "within": "icb"},
        "get_trend": {"practice": m, "metric": "dna_rate", "months": 6},
        "list_metrics": {},
        "list_my_practices": {},
        "get_private_data": {"practice": m},
    }


def test_client_connects_and_lists_the_contract_tools(live):
    async def work(client):
        return client.protocol_version, (await client.list_tools()).tools

    version, tools = run_client(live, work)
    assert version == "2026-07-28"  # auto mode: server/discover answers, no initialize
    assert {t.name for t in tools} == CONTRACT
    for tool in tools:
        assert tool.annotations.read_only_hint is True
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema["type"] == "object"
        assert len(tool.description) > 80


def test_every_tool_answers_with_structured_content_and_text(live):
    async def work(client):
        return {name: await client.call_tool(name, args) for name, args in calls(live).items()}

    results = run_client(live, work)
    for name, result in results.items():
        assert result.is_error is False, (name, result.content)
        assert result.structured_content, name
        text = result.content[0].text
        assert text, name
        if name not in ("list_my_practices", "get_private_data"):
            assert "SYNTHETIC" in text, name  # every public result says the data is synthetic
            assert "Source:" in text or "latest" in text, name


def error_text(live, name: str, arguments: dict) -> str:
    async def work(client):
        return await client.call_tool(name, arguments)

    result = run_client(live, work)
    assert result.is_error is True, result
    return result.content[0].text


@pytest.mark.parametrize(
    "name, arguments, message",
    [
        ("get_workforce", {"practice": "12345"}, "'12345' is not an ODS practice code"),
        ("get_appointments", {"practice": "A81001", "months": 0}, "between 1 and 36, not 0"),
        ("get_appointments", {"practice": "A81001", "months": 37}, "between 1 and 36, not 37"),
        ("get_benchmark", {"metric": "happiness"}, "Unknown metric 'happiness'"),
        ("compare_practices", {"practices": ["A81001"], "metrics": ["nope"]}, "Unknown metric"),
        ("compare_practices", {"practices": ["A81001"] * 11}, "Too many practices"),
        ("get_disease_prevalence", {"practice": "A81001", "conditions": ["gout"]}, "'gout'"),
        ("get_funding", {"practice": "A81001", "year": "last year"}, "not a financial year"),
        ("search_practices", {"query": " "}, "Enter a practice name"),
        ("get_workforce", {"practice": "A81001", "colour": "red"}, "Unknown argument 'colour'"),
        ("get_workforce", {}, "Missing required argument 'practice'"),
    ],
)
def test_bad_arguments_are_tool_errors_with_a_clear_message(live, name, arguments, message):
    assert message in error_text(live, name, arguments)


@pytest.mark.parametrize(
    "name, arguments",
    [
        ("get_practice_overview", {"practice": "Y99999"}),
        ("get_workforce", {"practice": "Y99999"}),
        ("compare_practices", {"practices": ["Y99998", "Y99999"]}),
        ("get_private_data", {"practice": "Y99999"}),
    ],
)
def test_missing_practice_is_not_found_or_access_denied(live, name, arguments):
    assert error_text(live, name, arguments) == NOT_FOUND_OR_DENIED


def test_private_data_of_a_practice_without_an_active_role_gets_the_same_answer(live):
    assert error_text(live, "get_private_data", {"practice": live.other_practice}) == (
        error_text(live, "get_private_data", {"practice": "Y99999"})
    )


def test_resources_catalogue_and_sources(live):
    async def work(client):
        listed = (await client.list_resources()).resources
        read = {str(r.uri): await client.read_resource(str(r.uri)) for r in listed}
        return listed, read

    listed, read = run_client(live, work)
    assert {str(r.uri) for r in listed} == {
        "haresign://catalogue/metrics",
        "haresign://sources",
        "ui://haresign/trend.v1.html",  # the MCP Apps chart views (tests/mcp/test_apps.py)
        "ui://haresign/benchmark.v1.html",
        "ui://haresign/compare.v1.html",
    }
    catalogue = json.loads(read["haresign://catalogue/metrics"].contents[0].text)["metrics"]
    from portal.catalogue import METRICS

    assert [m["id"] for m in catalogue] == list(METRICS)
    sources = json.loads(read["haresign://sources"].contents[0].text)["sources"]
    patients = next(s for s in sources if s["dataset"] == "patients-registered")
    assert patients["latest_period"] == "2025-12" and patients["synthetic"] is True


def test_practice_overview_prompt_and_completion(live):
    from portal.queries.practices import get_practice

    with live.app.app_context():
        name = get_practice(live.member_practice).name

    async def work(client):
        prompts = (await client.list_prompts()).prompts
        prompt = await client.get_prompt("practice_overview", {"practice": live.member_practice})
        done = await client.complete(
            {"type": "ref/prompt", "name": "practice_overview"},
            {"name": "practice", "value": name.split()[0].lower()},
        )
        return prompts, prompt, done

    prompts, prompt, done = run_client(live, work)
    assert [p.name for p in prompts] == ["practice_overview"]
    text = prompt.messages[0].content.text
    assert "one paragraph" in text.lower() and live.member_practice in text
    assert live.member_practice in done.completion.values

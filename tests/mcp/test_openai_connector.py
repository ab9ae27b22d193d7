"""search and fetch in OpenAI's deep-research shapes, over the live endpoint: the results and
documents are structuredContent and the same object as the one JSON text item; a fetched
document's text is the owning tool's answer (parity by construction) and its url the public
page showing the same figures; bad ids are clear tool errors, unknown practices the one generic
answer."""

from __future__ import annotations

import json

import httpx
import pytest

from portal.access import NOT_FOUND_OR_DENIED
from portal.extensions import db
from portal.models import AuditEvent, Practice
from tests.mcp.test_client import run_client

ID_FORMS = (
    "practice:<ODS> (e.g. practice:A81001), practice:<ODS>:<area> (area one of "
    "registered-patients, appointments, online-consultations, telephony, workforce, "
    "patient-experience, prevalence, qof, funding), metric:<metric id> (e.g. metric:dna_rate), "
    "or compare:<ODS>,<ODS>[:<metric>,<metric>] (up to 10 codes, e.g. "
    "compare:A81001,B82005:dna_rate)"
)
AREAS = {
    "registered-patients": "get_registered_patients",
    "appointments": "get_appointments",
    "online-consultations": "get_online_consultations",
    "telephony": "get_telephony",
    "workforce": "get_workforce",
    "patient-experience": "get_patient_experience",
    "prevalence": "get_disease_prevalence",
    "qof": "get_qof_achievement",
    "funding": "get_funding",
}


def practice(live, code: str) -> Practice:
    with live.app.app_context():
        found = db.session.get(Practice, code)
        db.session.expunge_all()
        return found


def answer(result: dict) -> dict:
    """The structuredContent, checked to be exactly the one JSON text item."""
    assert result["isError"] is False, result["content"]
    assert len(result["content"]) == 1 and result["content"][0]["type"] == "text"
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]
    return result["structuredContent"]


def error(result: dict) -> str:
    assert result["isError"] is True, result
    return result["content"][0]["text"]


def ids(live, query: str) -> list[str]:
    return [r["id"] for r in answer(live.call("search", {"query": query}))["results"]]


# --- tools/list -----------------------------------------------------------------------------


def test_search_and_fetch_are_listed_in_openais_shapes(live):
    tools = {t["name"]: t for t in live.rpc("tools/list")["result"]["tools"]}
    search, fetch = tools["search"], tools["fetch"]
    assert search["inputSchema"]["required"] == ["query"]
    assert list(search["inputSchema"]["properties"]) == ["query"]
    assert fetch["inputSchema"]["required"] == ["id"]
    assert list(fetch["inputSchema"]["properties"]) == ["id"]
    results = search["outputSchema"]["properties"]["results"]
    assert results["type"] == "array"
    assert set(fetch["outputSchema"]["required"]) == {"id", "title", "text", "url", "metadata"}
    for described in (search["description"], fetch["description"]):
        assert "practice:<ODS>" in described and "metric:<metric id>" in described
    assert ID_FORMS in fetch["description"]
    assert search["annotations"]["readOnlyHint"] is True


def test_the_official_client_validates_both_against_their_output_schemas(live):
    code = live.member_practice

    async def work(client):
        found = await client.call_tool("search", {"query": f"{code} appointments"})
        fetched = await client.call_tool("fetch", {"id": f"practice:{code}:appointments"})
        return found, fetched

    found, fetched = run_client(live, work)
    assert found.is_error is False and fetched.is_error is False
    assert json.loads(found.content[0].text) == found.structured_content
    assert fetched.structured_content["id"] == f"practice:{code}:appointments"


# --- search ---------------------------------------------------------------------------------


def test_search_finds_a_practice_by_a_misspelt_name(live):
    code = live.member_practice
    name = practice(live, code).name
    first, *rest = name.split()
    typo = " ".join([first[:-2] + first[-1] + first[-2], *rest]).lower()  # DALEBY -> daleyb
    assert typo.upper() != name
    results = answer(live.call("search", {"query": typo}))["results"]
    assert results[0] == {
        "id": f"practice:{code}",
        "title": f"{name} ({code})",
        "url": f"{live.base}/practices/{code}",
    }
    assert all(set(r) == {"id", "title", "url"} for r in results)


def test_search_for_a_practice_and_a_metric_gives_its_overview_area_and_the_metric(live):
    code = live.member_practice
    name = practice(live, code).name
    query = f"What is the DNA rate at {name.title()}?"
    assert answer(live.call("search", {"query": query}))["results"] == [
        {
            "id": f"practice:{code}",
            "title": f"{name} ({code})",
            "url": f"{live.base}/practices/{code}",
        },
        {
            "id": f"practice:{code}:appointments",
            "title": f"{name} ({code}): Appointments",
            "url": f"{live.base}/practices/{code}/appointments",
        },
        {
            "id": "metric:dna_rate",
            "title": "Did not attend (DNA) rate: England's practices",
            "url": f"{live.base}/national/dna_rate",
        },
    ]  # fmt: skip


def test_search_by_code_and_area(live):
    code = live.member_practice
    assert ids(live, f"{code.lower()} workforce")[:2] == [
        f"practice:{code}",
        f"practice:{code}:workforce",
    ]


def test_search_naming_several_codes_offers_their_comparison_first(live):
    a, b = live.member_practice, live.other_practice
    results = answer(live.call("search", {"query": f"compare {a} and {b.lower()} DNA rate"}))
    assert results["results"][0] == {
        "id": f"compare:{a},{b}:dna_rate",
        "title": f"Comparison of {a}, {b}: Did not attend (DNA) rate",
        "url": f"{live.base}/compare?practices={a},{b}&metrics=dna_rate",
    }
    assert [r["id"] for r in results["results"][1:]] == [
        f"practice:{a}",
        f"practice:{a}:appointments",
        "metric:dna_rate",
        f"practice:{b}",
        f"practice:{b}:appointments",
    ]
    assert fetched(live, results["results"][0]["id"])["url"] == results["results"][0]["url"]


def test_search_for_a_metric_alone_gives_its_national_distribution(live):
    assert ids(live, "DNA rate") == ["metric:dna_rate"]
    assert ids(live, "diabetes") == ["metric:prevalence_dm"]
    assert ids(live, "telephony") == [
        "metric:calls_inbound",
        "metric:calls_answered_rate",
        "metric:calls_missed",
        "metric:callbacks_requested",
        "metric:callbacks_made",
    ]


def test_search_with_nothing_found_is_an_empty_list_and_a_blank_query_an_error(live):
    assert answer(live.call("search", {"query": "zzzz qqqq"})) == {"results": []}
    assert error(live.call("search", {"query": "   "})) == (
        "Enter words to search for: a practice's name, ODS code, postcode or town, and/or a "
        "metric or area such as 'DNA rate' or 'appointments'."
    )


def test_search_results_are_capped(live):
    results = answer(live.call("search", {"query": "health centre appointments"}))["results"]
    assert 0 < len(results) <= 20
    assert len({r["id"] for r in results}) == len(results)


# --- fetch: parity with the tools -----------------------------------------------------------


def fetched(live, id_: str) -> dict:
    return answer(live.call("fetch", {"id": id_}))


def tool_text(live, tool: str, arguments: dict) -> str:
    result = live.call(tool, arguments)
    assert result["isError"] is False, result["content"]
    return result["content"][0]["text"]


def test_fetch_a_practice_is_its_overview(live):
    code = live.member_practice
    name = practice(live, code).name
    document = fetched(live, f"practice:{code.lower()}")
    assert document["id"] == f"practice:{code}"
    assert document["title"] == f"{name} ({code}): overview"
    assert document["url"] == f"{live.base}/practices/{code}"
    assert document["text"] == tool_text(live, "get_practice_overview", {"practice": code})
    metadata = document["metadata"]
    assert (metadata["kind"], metadata["tool"], metadata["synthetic"]) == (
        "practice",
        "get_practice_overview",
        True,
    )
    overview = live.call("get_practice_overview", {"practice": code})["structuredContent"]
    assert metadata["sources"] == overview["sources"]


@pytest.mark.parametrize("area, tool", AREAS.items())
def test_fetch_an_area_is_its_tools_answer(live, area, tool):
    code = live.member_practice
    name = practice(live, code).name
    document = fetched(live, f"practice:{code}:{area}")
    assert document["id"] == f"practice:{code}:{area}"
    assert document["url"] == f"{live.base}/practices/{code}/{area}"
    assert document["text"] == tool_text(live, tool, {"practice": code})
    assert document["title"].startswith(f"{name} ({code}): ")
    assert (document["metadata"]["kind"], document["metadata"]["tool"]) == ("area", tool)


def test_fetch_a_metric_is_its_national_benchmark(live):
    document = fetched(live, "metric:dna_rate")
    benchmark = live.call("get_benchmark", {"metric": "dna_rate"})
    assert document["text"] == benchmark["content"][0]["text"]
    assert document["url"] == f"{live.base}/national/dna_rate"
    assert document["title"] == "Did not attend (DNA) rate: England's practices"
    structured = benchmark["structuredContent"]
    assert document["metadata"] == {
        "kind": "metric",
        "tool": "get_benchmark",
        "period": structured["period"],
        "sources": [structured["source"]],
        "synthetic": True,
    }


def test_fetch_a_comparison_is_compare_practices(live):
    a, b = live.member_practice, live.other_practice
    document = fetched(live, f"compare:{a.lower()},{b}:dna_rate,list_size")
    assert document["id"] == f"compare:{a},{b}:dna_rate,list_size"
    assert document["url"] == f"{live.base}/compare?practices={a},{b}&metrics=dna_rate,list_size"
    assert document["title"] == (
        f"Comparison of {a}, {b}: Did not attend (DNA) rate, Registered patients"
    )
    assert document["text"] == tool_text(
        live, "compare_practices", {"practices": [a, b], "metrics": ["dna_rate", "list_size"]}
    )
    default = fetched(live, f"compare:{a},{b}")
    assert default["url"] == f"{live.base}/compare?practices={a},{b}"
    assert default["text"] == tool_text(live, "compare_practices", {"practices": [a, b]})


def test_every_fetched_url_is_a_public_page(live):
    code, other = live.member_practice, live.other_practice
    for id_ in (
        f"practice:{code}",
        f"practice:{code}:appointments",
        "metric:dna_rate",
        f"compare:{code},{other}:dna_rate",
    ):
        url = fetched(live, id_)["url"]
        assert httpx.get(url).status_code == 200, url


def test_fetch_is_audited_with_the_practices_it_read(live):
    code, other = live.member_practice, live.other_practice
    live.call("search", {"query": "Beech Surgery appointments"})
    live.call("fetch", {"id": f"practice:{code}:telephony"})
    live.call("fetch", {"id": f"compare:{code},{other}"})
    with live.app.app_context():
        rows = db.session.scalars(
            db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(3)
        ).all()
        searched, area, compared = reversed(rows)
        assert (searched.tool, searched.outcome, searched.query_length) == ("search", "ok", 26)
        assert not searched.ods_codes
        assert (area.tool, area.ods_codes) == ("fetch", code)
        assert (compared.tool, compared.ods_codes) == ("fetch", f"{code},{other}")


# --- fetch: errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "A81001",
        "practice:",
        "practice:12345",
        "practice:A81001:appointments:latest",
        "metric:",
        "compare:",
        "compare:A81001,12345",
        "document:42",
    ],
)
def test_a_malformed_id_names_the_accepted_forms(live, bad):
    assert error(live.call("fetch", {"id": bad})) == (
        f"'{bad}' is not an id this server knows. Ids are {ID_FORMS}."
    )


def test_an_unknown_area_or_metric_is_named(live):
    code = live.member_practice
    assert error(live.call("fetch", {"id": f"practice:{code}:parking"})) == (
        f"Unknown area 'parking' in id 'practice:{code}:parking'. Areas: registered-patients, "
        "appointments, online-consultations, telephony, workforce, patient-experience, "
        "prevalence, qof, funding."
    )
    assert error(live.call("fetch", {"id": "metric:happiness"})) == (
        "Unknown metric 'happiness'. Call list_metrics for every metric id (e.g. list_size, "
        "appointments_total, dna_rate, gp_appointment_share, same_day_share, "
        "face_to_face_share)."
    )


@pytest.mark.parametrize(
    "id_", ["practice:Y99999", "practice:Y99999:appointments", "compare:Y99998,Y99999"]
)
def test_an_unknown_practice_is_not_found_or_access_denied(live, id_):
    assert error(live.call("fetch", {"id": id_})) == NOT_FOUND_OR_DENIED

"""The area tools' table and the typed tool signatures: one tool per dashboard area, schemas
derived from the signature (required = no default), null taken as absent, and the rows' own
argument rules (a financial year that has no figures, an unknown condition) as tool errors."""

from __future__ import annotations

from portal.mcp.registry import registry
from portal.mcp.tools.area_tools import TABLE
from portal.queries.areas import AREAS
from portal.queries.prevalence import REGISTERS


def test_the_table_has_one_tool_per_dashboard_area_in_page_order(live):
    assert [row.area for row in TABLE] == list(AREAS)
    for row in TABLE:
        schema = registry.get(row.name).resolved_input_schema()
        assert schema["required"] == ["practice"]
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]) == {"practice"} | (
            {row.argument.name} if row.argument else set()
        )


def test_a_signature_gives_the_schema_required_by_its_parameters_without_default(live):
    schema = registry.get("get_trend").resolved_input_schema()
    assert list(schema["properties"]) == ["practice", "metric", "months", "baseline"]
    assert schema["required"] == ["practice", "metric"]
    baseline = schema["properties"]["baseline"]
    assert (baseline["type"], baseline["minimum"], baseline["maximum"]) == ("integer", 2, 36)
    compare = registry.get("compare_practices").resolved_input_schema()
    assert compare["properties"]["practices"]["items"] == {"type": "string", "maxLength": 20}
    assert compare["properties"]["within"]["enum"] == ["peers"]
    assert "required" not in registry.get("list_my_groups").resolved_input_schema()


def test_null_arguments_are_the_same_as_absent(live):
    m = live.member_practice
    for name, given, nulls in [
        ("get_trend", {"practice": m, "metric": "dna_rate"}, {"months": None, "baseline": None}),
        ("search_practices", {"query": "surgery"}, {"limit": None}),
        ("get_benchmark", {"metric": "dna_rate"}, {"practice": None, "within": None}),
        ("get_appointments", {"practice": m}, {"months": None}),
        ("get_funding", {"practice": m}, {"year": None}),
    ]:
        plain = live.call(name, given)
        assert plain["isError"] is False, plain
        assert live.call(name, {**given, **nulls}) == plain


def test_a_year_without_figures_and_an_unknown_condition_are_tool_errors(live):
    m = live.member_practice
    for name, what in [("get_funding", "payments"), ("get_qof_achievement", "QOF achievement")]:
        result = live.call(name, {"practice": m, "year": "2099-00"})
        assert result["isError"] is True
        assert result["content"][0]["text"] == f"No {what} figures for 2099-00 at {m}."
        result = live.call(name, {"practice": m, "year": "twenty"})
        assert result["content"][0]["text"] == (
            "'twenty' is not a financial year: use the form 2021-22."
        )
    result = live.call("get_disease_prevalence", {"practice": m, "conditions": ["gout"]})
    assert result["isError"] is True
    known = ", ".join(f"{code} ({name})" for code, name in REGISTERS.items())
    assert result["content"][0]["text"] == f"Unknown condition 'gout'. Registers: {known}."

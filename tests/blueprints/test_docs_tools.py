"""The tools page is generated from the MCP tool registry: every tool, its arguments, read-only."""

import re

from portal.mcp.registry import registry

CONTRACT = [
    "search_practices", "get_practice_overview", "get_registered_patients", "get_appointments",
    "get_online_consultations", "get_telephony", "get_workforce", "get_patient_experience",
    "get_disease_prevalence", "get_qof_achievement", "get_funding", "compare_practices",
    "get_benchmark", "list_metrics", "list_my_practices", "get_private_data",
]  # fmt: skip


def test_tools_page_lists_every_registered_tool(client):
    response = client.get("/docs/tools")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    listed = re.findall(r'<section class="mcp-tool" id="tool-([a-z_]+)">', html)
    assert sorted(listed) == sorted(registry.names())
    assert set(CONTRACT) <= set(listed)
    assert html.count("Read-only</strong>") == len(listed)


def test_tools_page_shows_arguments_from_the_schema(client):
    html = client.get("/docs/tools").get_data(as_text=True)
    spec = registry.get("get_appointments").describe()
    section = html.split('id="tool-get_appointments"')[1].split("</section>")[0]
    for name in spec["inputSchema"]["properties"]:
        assert f"<code>{name}</code>" in section
    assert spec["title"] in section


def test_docs_index_links_the_tools_page(client):
    assert 'href="/docs/tools"' in client.get("/docs/").get_data(as_text=True)

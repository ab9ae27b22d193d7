"""Similar practices on MCP: get_benchmark within=peers names the peer group and its value as the
query layer computes them, and compare_practices within=peers sets a practice beside them."""

from __future__ import annotations

from portal.catalogue import METRICS
from portal.queries.benchmarks import peer_value
from portal.queries.peers import practice_peers


def test_benchmark_within_peers_lists_them_and_gives_their_value(live):
    code = live.member_practice
    result = live.call("get_benchmark", {"metric": "dna_rate", "practice": code, "within": "peers"})
    structured = result["structuredContent"]
    with live.app.app_context():
        peers = practice_peers(code)
        group = peer_value(METRICS["dna_rate"], structured["period"], code)
    assert len(peers) == 10
    assert [p["code"] for p in structured["peers"]] == [p.code for p in peers]
    assert (structured["group"]["value"], structured["group"]["practices"]) == (
        group.value,
        group.practices,
    )
    text = result["content"][0]["text"]
    for peer in peers:
        assert f"| {peer.rank} | {peer.code} | {peer.name} |" in text
    assert (
        f"| 10 most similar practices (Similar practices), all practices | {group.display} |"
        in text
    )


def test_compare_within_peers_sets_the_practice_beside_its_peers(live):
    code = live.member_practice
    result = live.call("compare_practices", {"practices": [code], "within": "peers"})
    with live.app.app_context():
        peers = [p.code for p in practice_peers(code)]
    assert [p["code"] for p in result["structuredContent"]["practices"]] == [code, *peers]

    two = live.call("compare_practices", {"practices": [code, live.other_practice],
                                          "within": "peers"})  # fmt: skip
    assert two["isError"] is True
    assert two["content"][0]["text"] == (
        "within=peers compares one practice with its 10 most similar practices: give exactly "
        "one practice, not 2."
    )

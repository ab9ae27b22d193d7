"""Practice search over the real epraccur: typos, punctuation, case, partial postcodes, towns
and ODS prefixes find the practice first; the same order on SQLite and PostgreSQL; the pages,
the API and the MCP tool answer exactly as the query function does."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
import sqlalchemy as sa

from portal.accounts import create_user
from portal.extensions import db
from portal.models import Practice
from portal.queries.practice_index import normalise
from portal.queries.search import MAX_QUERY_LENGTH, SearchError, search_practices
from tests.accounts_support import add_practices
from tests.api.conftest import make_key
from tests.conftest import make_app
from tests.mcp.conftest import serve
from tests.mcp.oauth_flow import mint_token


@pytest.fixture
def search(real_app):
    """search_practices on the real data: (codes, hits) of the best `limit`."""

    def run(text: str, limit: int = 10):
        with real_app.app_context():
            hits = search_practices(text, limit)
            db.session.remove()
        return [h.code for h in hits], hits

    return run


def real_name(real_app, code: str) -> str:
    with real_app.app_context():
        name = db.session.scalar(sa.select(Practice.name).where(Practice.code == code))
        db.session.remove()
    return name


def drop_letter(name: str) -> str:
    """The name with the third letter of its longest word left out: a typing slip."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = words[longest][:2] + words[longest][3:]
    return " ".join(words)


def swap_letters(name: str) -> str:
    """The name with the 2nd and 3rd letters of its last word swapped."""
    *first, last = name.split()
    return " ".join([*first, last[0] + last[2] + last[1] + last[3:]])


@pytest.mark.parametrize(
    "code",
    ["A81001", "A81002", "D81061", "B87005", "C84094", "M86612", "A81629", "E82086"],
)
@pytest.mark.parametrize("slip", [drop_letter, swap_letters, str.lower, str.title])
def test_a_real_name_with_a_slip_finds_that_practice_first(real_app, search, code, slip):
    name = real_name(real_app, code)
    typed = slip(name)
    assert typed != name
    codes, _ = search(typed)
    assert codes[0] == code, (typed, codes)


def test_every_fortieth_unique_name_with_a_letter_left_out_is_found_at_the_top(real_app, search):
    """First, or level with the first when the slip is as near another name ("BECHES" is one
    letter from both "BEECHES" and "BEACHES")."""
    with real_app.app_context():
        rows = db.session.execute(
            sa.select(Practice.code, Practice.name)
            .where(Practice.is_england, Practice.status == "active")
            .order_by(Practice.code)
        ).all()
        db.session.remove()
    keys = [normalise(name) for _, name in rows]
    unique = [
        (code, name)
        for (code, name), key in zip(rows, keys, strict=True)
        if keys.count(key) == 1 and len(key.split()) >= 2
    ]
    sample = unique[::40]
    assert len(sample) > 100
    first, level = 0, []
    for code, name in sample:
        _, hits = search(drop_letter(name))
        if hits[0].code == code:
            first += 1
        else:
            level.append(next(h.score for h in hits if h.code == code) == hits[0].score)
    assert level == [True] * len(level)
    assert first >= len(sample) - 2


def test_riverside_surgery_misspelt_finds_riverside_surgeries_first(search):
    _, hits = search("Riverside Surgry")
    assert {h.name for h in hits[:6]} == {"RIVERSIDE SURGERY"}
    assert "RIVERSIDE SURGERY" not in {h.name for h in hits[6:]}
    assert {h.score for h in hits[:6]} == {max(h.score for h in hits)}


def test_georges_and_riverside_finds_st_george_and_riverside(search):
    for typed in ["St Georges and Riverside", "st george & riverside", "Saint George's Riverside"]:
        assert search(typed)[0][0] == "A88015", typed


def test_punctuation_is_ignored_and_the_spelling_as_typed_breaks_ties(search):
    # L84008 is "ST. GEORGE'S SURGERY", P81058 "ST GEORGES SURGERY": equal once normalised.
    assert search("st. george's surgery")[0][:2] == ["L84008", "P81058"]
    assert search("ST GEORGES SURGERY")[0][:2] == ["P81058", "L84008"]
    assert search("st georges medical centre pms practice")[0][0] == "C85619"
    names = [h.name for h in search("st. george's")[1]]
    assert all(normalise(n).startswith("st georges") for n in names), names


def test_exact_code_then_code_prefix_in_code_order(search):
    assert search("a81001")[0][0] == "A81001"
    _, hits = search("A8100", limit=20)
    open_ = [h for h in hits if h.status == "active"]
    closed = [h for h in hits if h.status != "active"]
    assert hits == open_ + closed and closed
    assert [h.code for h in open_] == sorted(h.code for h in open_)
    assert [h.code for h in closed] == sorted(h.code for h in closed)
    assert hits[0].code == "A81001"
    assert all(h.code.startswith("A8100") and h.score == 95 for h in hits)


def test_a_full_postcode_with_or_without_space(search):
    for typed in ["TS18 1HU", "ts181hu", " ts18  1hu "]:
        codes, hits = search(typed)
        assert codes[:3] == ["A81001", "A81025", "A81632"], typed  # open before closed
        assert {h.postcode for h in hits[:3]} == {"TS18 1HU"}


def test_an_outward_code_ranks_its_own_district_before_longer_ones(search):
    _, hits = search("TS1", limit=50)
    outward = [h.postcode.split()[0] for h in hits]
    assert outward[0] == "TS1"
    first_other = outward.index(next(o for o in outward if o != "TS1"))
    assert set(outward[:first_other]) == {"TS1"}
    assert all(o.startswith("TS1") for o in outward[first_other:]), outward
    assert "TS1" not in outward[first_other:]


@pytest.mark.parametrize(
    "typed, codes",
    [
        ("TS18 1", ["A81001", "A81025", "A81046", "A81632"]),
        ("ts18 1h", ["A81001", "A81025", "A81632"]),
        ("TS1 2", ["A81023", "A81029", "A81037", "A81064"]),
    ],
)
def test_a_partial_postcode_with_the_inward_started(search, typed, codes):
    _, hits = search(typed)
    assert [h.code for h in hits[: len(codes)]] == codes
    assert {h.score for h in hits[: len(codes)]} == {85}
    start = typed.upper()
    assert all(h.postcode.startswith(start) for h in hits[: len(codes)])
    assert not any(h.postcode.startswith(start) for h in hits[len(codes) :])


@pytest.mark.parametrize(
    "typed", ["Middlesbrough", "middlesbrough", "Stockton on Tees", "stockton-on-tees"]
)
def test_a_town_finds_its_practices(real_app, search, typed):
    with real_app.app_context():
        rows = db.session.execute(
            sa.select(Practice.code, Practice.town).where(Practice.is_england)
        )
        in_town = {code for code, town in rows if normalise(town) == normalise(typed)}
        db.session.remove()
    assert 10 < len(in_town) <= 50
    codes, hits = search(typed, limit=50)
    assert set(codes[: len(in_town)]) == in_town
    assert {h.score for h in hits[: len(in_town)]} == {40}


@pytest.mark.parametrize("typed", ["Midlesbrough", "Stockten on Tees", "stockton-on-teess"])
def test_a_misspelt_town_finds_its_practices(search, typed):
    _, hits = search(typed, limit=10)
    assert len(hits) == 10
    assert {normalise(h.town) for h in hits} <= {"middlesbrough", "stockton on tees"}
    assert len({normalise(h.town) for h in hits}) == 1
    assert all(20 <= h.score < 40 for h in hits)


def test_a_misspelt_name_and_its_town_find_that_practice_alone(search):
    # six practices are called RIVERSIDE SURGERY; the town picks the one in Erith
    assert search("riverside surgry erith")[0][:1] == ["G83630"]
    assert search("rivrside surgery evesham")[0][:1] == ["M81004"]


def test_closed_practices_follow_open_ones_of_the_same_name(search):
    codes, hits = search("riverside medical practice", limit=5)
    assert codes[:4] == ["A81629", "G82106", "H82089", "Y01962"]
    assert [h.status for h in hits[:4]] == ["active", "active", "active", "closed"]


def test_exact_and_prefix_matches_rank_above_close_spellings(search):
    _, hits = search("densham", limit=20)
    assert hits[0].code == "A81001" and hits[0].score == 70  # "the" is not needed
    assert all(h.score < 40 for h in hits[1:])  # DENHAM, SYDENHAM...: close spellings
    _, misspelt = search("densham surgry", limit=20)
    assert misspelt[0].code == "A81001" and 20 <= misspelt[0].score < 40
    _, riverside = search("riverside", limit=50)
    scores = [h.score for h in riverside]
    assert scores == sorted(scores, reverse=True)
    assert all("riverside" in normalise(h.name) for h in riverside if h.score >= 40)


def test_the_same_order_on_every_database(search):
    """Exact lists: the test runs on SQLite and on PostgreSQL (HARESIGN_TEST_DB)."""
    assert search("surgery", limit=6)[0] == [
        "E84635", "E87702", "N81614", "B86638", "E87020", "E87055"
    ]  # fmt: skip
    assert search("st. george's", limit=10)[0] == [
        "L84008", "P81058", "E85743", "C84086", "M86610",
        "D81021", "P84025", "E83020", "E84704", "G82057",
    ]  # fmt: skip
    assert search("Riverside Surgry", limit=10)[0] == [
        "B81109", "G83630", "K82036", "M81004", "M83111",
        "N85016", "A84035", "C81069", "A89002", "M84041",
    ]  # fmt: skip
    assert search("rivrside helth")[0] == ["F81757", "C84094"]
    assert search("TS1 2", limit=8)[0] == [
        "A81023", "A81029", "A81037", "A81064", "A81618", "A81013", "A81022", "Y02664"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter a practice name, ODS code, postcode or town"),
        ("   ", "Enter a practice name, ODS code, postcode or town"),
        ("x" * (MAX_QUERY_LENGTH + 1), "Search terms must be 100 characters or fewer"),
    ],
)
def test_bad_input_is_refused_by_name(real_app, text, message):
    with real_app.app_context(), pytest.raises(SearchError) as refused:
        search_practices(text)
    assert str(refused.value) == message


@pytest.mark.parametrize("text", ["%%", "_", "'", "\\", ".*", "--"])
def test_punctuation_alone_matches_nothing(search, text):
    assert search(text) == ([], [])


def test_the_index_follows_practices_added_and_a_new_ods_load(app, tmp_path):
    from portal.ingest import load_paths

    add_practices(app, "A00001")
    with app.app_context():
        assert [h.code for h in search_practices("practice a00001")] == ["A00001"]
        add_practices(app, "A00002")
        assert [h.code for h in search_practices("practice a00002")][:1] == ["A00002"]
    row = ',"Y63","QHM","1 HIGH ST","","LEEDS","","","LS1 4AP","19740401","","A","B","16C",'
    row += '"20200401","","","","","","0","","16C","","4",""\n'
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text('"A00003","HAREWOOD SURGERY"' + row)
    second.write_text('"A00003","KIRKSTALL SURGERY"' + row)
    with app.app_context():
        load_paths("ods-practices", [first])
        assert [h.code for h in search_practices("harewood surgery")] == ["A00003"]
        load_paths("ods-practices", [second])  # same practices, same count: a new load
        assert [h.code for h in search_practices("kirkstall")] == ["A00003"]
        assert search_practices("harewood") == []


PARITY_QUERIES = ["Riverside Surgry", "st. george's", "TS18 1", "A8100", "middlesbrough"]


@pytest.fixture(scope="module")
def served(real_app):
    """The real-data database served over loopback HTTP, with an MCP token and an API key."""
    app = make_app(real_app.config["SQLALCHEMY_DATABASE_URI"])
    server, base = serve(app)
    app.config["PUBLIC_BASE_URL"] = base
    email = f"search-{uuid.uuid4().hex[:8]}@example.org"
    with app.app_context():
        create_user(email, "correct horse battery")
        db.session.remove()
    token = mint_token(app, email, base)
    secret = make_key(app)[1]
    yield base, token, secret
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("text", PARITY_QUERIES)
def test_pages_api_and_mcp_give_the_query_functions_order(search, served, text):
    base, token, secret = served
    expected, _ = search(text, limit=10)
    assert expected
    suggest = httpx.get(f"{base}/search/suggest", params={"q": text})
    assert suggest.status_code == 200
    assert [r["code"] for r in suggest.json()["results"]] == expected
    page = httpx.get(f"{base}/search", params={"q": text})
    assert page.status_code == 200
    on_page = re.findall(r'href="/practices/(\w+)"', page.text)
    assert list(dict.fromkeys(on_page))[:10] == expected
    api = httpx.get(
        f"{base}/api/v1/practices/search",
        params={"q": text, "page_size": 10},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 200, api.text
    assert [r["code"] for r in api.json()["results"]] == expected
    call = {"name": "search_practices", "arguments": {"query": text, "limit": 10}}
    answer = httpx.post(
        f"{base}/mcp/",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": call},
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": "2025-11-25",
        },
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()["result"]
    assert [p["code"] for p in result["structuredContent"]["practices"]] == expected
    rows = [line for line in result["content"][0]["text"].splitlines() if line.startswith("| ")]
    assert rows[1].startswith(f"| {expected[0]} | ")  # after the heading, the best match

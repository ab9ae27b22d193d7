"""Search and practice pages over the real files: figures, period, source, and bad input."""

import csv
import re

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"


def list_size(nhs_data, code):
    with open(nhs_data / ALL_2025, newline="") as handle:
        return next(
            int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle) if r["CODE"] == code
        )


def test_practice_page_shows_list_size_with_period_and_source(real_client, nhs_data):
    response = real_client.get("/practices/A81001")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    value = re.search(r'data-metric="list_size">([\d,]+)<', html).group(1)
    assert int(value.replace(",", "")) == list_size(nhs_data, "A81001")
    assert "Patients Registered at a GP Practice, December 2025" in html
    assert "THE DENSHAM SURGERY" in html
    assert "Synthetic data" not in html


def test_lowercase_code_finds_the_practice(real_client):
    assert real_client.get("/practices/a81001").status_code == 200


def test_unknown_practice_is_404(real_client):
    response = real_client.get("/practices/Z99999")
    assert response.status_code == 404
    assert "Not found or access denied." in response.get_data(as_text=True)


def test_malformed_code_is_404_not_500(real_client):
    for code in ["A", "A81001'; DROP TABLE practice;--", "A" * 5000, "%25", "_____"]:
        assert real_client.get(f"/practices/{code}").status_code == 404


def test_nul_in_a_code_or_a_search_is_a_400_not_500(real_client):
    for address in ["/practices/%00", "/practices/A81%0001", "/search?q=dens%00ham"]:
        response = real_client.get(address)
        assert response.status_code == 400
        assert "Control characters (such as NUL) are not allowed" in response.get_data(as_text=True)


def test_search_ranks_exact_code_first(real_client):
    response = real_client.get("/search?q=A81001")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    first = re.search(r'href="/practices/(\w+)"', html).group(1)
    assert first == "A81001"


def test_search_by_postcode_and_name(real_client):
    by_postcode = real_client.get("/search/suggest?q=TS18 1HU").get_json()["results"]
    assert by_postcode[0]["code"] == "A81001"
    by_name = real_client.get("/search/suggest?q=densham").get_json()["results"]
    assert [r["code"] for r in by_name][:1] == ["A81001"]


def test_empty_search_gets_a_message(real_client):
    response = real_client.get("/search?q=+")
    assert response.status_code == 400
    assert "Enter a practice name, ODS code, postcode or town" in response.get_data(as_text=True)


def test_overlong_search_gets_a_message(real_client):
    response = real_client.get("/search?q=" + "x" * 10_000)
    assert response.status_code == 400
    assert "Search terms must be 100 characters or fewer" in response.get_data(as_text=True)
    suggest = real_client.get("/search/suggest?q=" + "x" * 10_000)
    assert suggest.status_code == 400
    assert suggest.get_json()["error"] == "Search terms must be 100 characters or fewer"


def test_search_wildcards_are_literal(real_client):
    response = real_client.get("/search/suggest?q=%25%25")
    assert response.status_code == 200
    assert response.get_json()["results"] == []


def test_home_counts_open_practices(real_client):
    html = real_client.get("/").get_data(as_text=True)
    assert re.search(r'id="open-practices">[\d,]+<', html)


def test_health(real_client):
    assert real_client.get("/health").get_json() == {"status": "ok"}

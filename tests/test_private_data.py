"""Private practice data: entry, upload, validation, history, and refusal for non-members."""

from __future__ import annotations

import io
import re

from portal.extensions import db
from portal.models import PrivateEntry
from portal.private_data import MAX_UPLOAD_BYTES
from tests.accounts_support import add_practices, csrf_token, make_user, post, set_role, sign_in


def entries(app):
    with app.app_context():
        return [
            (e.period, e.measure, e.value, e.note, e.via)
            for e in db.session.scalars(db.select(PrivateEntry).order_by(PrivateEntry.id))
        ]


def upload(client, code, content: bytes, name="figures.csv"):
    return client.post(
        f"/practices/{code}/private/upload",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def member_client(app, client, code="A00001", email="member@example.org"):
    add_practices(app, code)
    make_user(app, email)
    set_role(app, email, code, "active")
    sign_in(client, email)
    return client


def test_form_entry_and_history(app, client):
    member_client(app, client)
    first = post(client, "/practices/A00001/private",
                 {"period": "2025-10", "local_appointments": "1,200", "staff_hours": "310.5"})  # fmt: skip
    assert first.status_code == 302
    second = post(client, "/practices/A00001/private", {"period": "2025-10", "staff_hours": "320"})
    assert second.status_code == 302
    html = client.get("/practices/A00001/private").get_data(as_text=True)
    row = re.search(r'data-period="2025-10">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'data-measure="local_appointments">1,200<', row)
    assert re.search(r'data-measure="staff_hours">320<', row)
    history = re.search(r'id="private-history">(.*?)</table>', html, re.S).group(1)
    assert history.count("member@example.org") == 3
    assert entries(app) == [
        ("2025-10", "local_appointments", 1200.0, None, "form"),
        ("2025-10", "staff_hours", 310.5, None, "form"),
        ("2025-10", "staff_hours", 320.0, None, "form"),
    ]


def test_bad_form_entry_changes_nothing(app, client):
    member_client(app, client)
    for fields, message in [
        (
            {"period": "2025-13", "local_appointments": "5"},
            "Period &#39;2025-13&#39; is not a month",
        ),
        (
            {"period": "2999-01", "local_appointments": "5"},
            "Period &#39;2999-01&#39; is in the future",
        ),
        ({"period": "2025-01", "local_appointments": "5.5"}, "must be a whole number"),
        ({"period": "2025-01", "staff_hours": "-1"}, "must be between 0 and 10,000,000"),
        ({"period": "2025-01", "staff_hours": "nan"}, "must be between 0 and 10,000,000"),
        ({"period": "2025-01"}, "Enter at least one figure or note"),
    ]:
        response = post(client, "/practices/A00001/private", fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert entries(app) == []


def test_upload_saves_every_row(app, client):
    member_client(app, client)
    content = (
        b"\xef\xbb\xbfperiod,local_appointments,staff_hours,note\r\n"
        b'2025-09,1100,300,\r\n2025-10,1210,,"Flu clinic, two Saturdays"\r\n'
    )
    response = upload(client, "A00001", content)
    assert response.status_code == 302
    assert entries(app) == [
        ("2025-09", "local_appointments", 1100.0, None, "upload"),
        ("2025-09", "staff_hours", 300.0, None, "upload"),
        ("2025-10", "local_appointments", 1210.0, None, "upload"),
        ("2025-10", "note", None, "Flu clinic, two Saturdays", "upload"),
    ]


def test_malformed_upload_changes_nothing_and_names_every_bad_row(app, client):
    member_client(app, client)
    post(client, "/practices/A00001/private", {"period": "2025-01", "local_appointments": "7"})
    before = entries(app)
    content = (
        b"period,local_appointments,staff_hours,note\n"
        b"2025-02,100,10,fine\n"
        b"2025-3,100,10,\n"
        b"2025-04,lots,10,\n"
        b"2025-05,100,10\n"
        b"2025-02,1,1,\n"
        b"2025-06,,,\n"
    )
    response = upload(client, "A00001", content)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = re.findall(
        r"<li>(.*?)</li>", re.search(r'id="upload-errors">(.*?)</ul>', html, re.S).group(1)
    )
    assert errors == [
        "Row 3: period &#39;2025-3&#39; is not a month in the form YYYY-MM",
        "Row 4: local_appointments &#39;lots&#39; is not a number",
        "Row 5: expected 4 cells, found 3",
        "Row 6: period 2025-02 already appears in row 2",
        "Row 7: enter at least one figure or note",
    ]
    assert "Nothing was saved." in html
    assert entries(app) == before


def test_upload_header_encoding_and_size_are_checked(app, client):
    member_client(app, client)
    cases = [
        (b"month,appointments\n2025-01,5\n", "Row 1: the header has no period column"),
        (b"period,beds\n2025-01,5\n", "Row 1: unknown column &#39;beds&#39;"),
        (b"\xff\xfe\x00p\x00e", "The file must be a CSV file saved as UTF-8"),
        (b"", "The file is empty"),
        (b"period,note\n", "The file has no data rows"),
    ]
    for content, message in cases:
        response = upload(client, "A00001", content)
        assert response.status_code == 400, content
        assert message in response.get_data(as_text=True), content
    big = b"period,note\n" + b"2025-01," + b"x" * MAX_UPLOAD_BYTES + b"\n"
    refused = upload(client, "A00001", big)
    assert refused.status_code == 413
    assert "The file is larger than 256 KB. Split it into smaller files." in refused.get_data(
        as_text=True
    )
    assert entries(app) == []


def test_upload_over_the_site_limit_is_refused_with_a_message(app, client):
    member_client(app, client)
    huge = b"period,note\n" + b"x" * (5 * 1024 * 1024 + 10)
    response = upload(client, "A00001", huge)
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)
    assert entries(app) == []


def test_non_members_cannot_write(app, client):
    add_practices(app, "A00001", "A00002")
    make_user(app, "member@example.org")
    set_role(app, "member@example.org", "A00002", "active")
    make_user(app, "pending@example.org")
    set_role(app, "pending@example.org", "A00001", "pending")
    anonymous = post(client, "/practices/A00001/private", {"period": "2025-01", "note": "x"})
    assert anonymous.status_code == 404
    for email in ("member@example.org", "pending@example.org"):
        sign_in(client, email)
        form = post(client, "/practices/A00001/private", {"period": "2025-01", "note": "x"})
        file = upload(client, "A00001", b"period,note\n2025-01,x\n")
        bad_file = upload(client, "A00001", b"nonsense")
        assert form.status_code == file.status_code == bad_file.status_code == 404
        post(client, "/account/sign-out")
    assert entries(app) == []

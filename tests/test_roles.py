"""Practice roles: request, approve, reject, remove; who may decide."""

from __future__ import annotations

import re

import pytest

from portal import roles
from portal.access import NotFoundOrDenied
from portal.accounts import AccountError
from portal.extensions import db
from portal.models import PracticeRole, RoleDecision, User
from tests.accounts_support import add_practices, make_user, post, set_role, sign_in


def role_of(app, email, code):
    with app.app_context():
        grant = db.session.scalar(
            db.select(PracticeRole)
            .join(User, User.id == PracticeRole.user_id)
            .where(User.email == email, PracticeRole.practice_code == code)
        )
        decider = db.session.get(User, grant.decided_by_id) if grant.decided_by_id else None
        return (
            grant.id,
            grant.status,
            grant.role,
            decider.email if decider else None,
            grant.decided_at,
        )


def test_request_found_by_search_then_approved_by_the_practice_admin(app, client):
    add_practices(app, "A00001")
    make_user(app, "boss@example.org")
    set_role(app, "boss@example.org", "A00001", "active", role="admin")
    make_user(app, "site@example.org", admin=True)
    make_user(app, "nurse@example.org")
    sign_in(client, "nurse@example.org")
    found = client.get("/account/?q=practice a00001")
    assert 'name="practice" value="A00001"' in found.get_data(as_text=True)
    asked = post(client, "/account/roles", {"practice": "a00001", "role": "member"})
    assert asked.status_code == 302
    assert role_of(app, "nurse@example.org", "A00001")[1:4] == ("pending", "member", None)
    page = client.get("/account/").get_data(as_text=True)
    assert "Waiting for approval" in page
    again = post(client, "/account/roles", {"practice": "A00001", "role": "member"})
    assert again.status_code == 400
    assert "Your request for A00001 is already waiting for approval" in again.get_data(as_text=True)
    role_id = role_of(app, "nurse@example.org", "A00001")[0]
    # The nurse cannot approve themself; the site admin may not while the practice has an admin.
    own = post(client, f"/account/roles/{role_id}/approve")
    assert own.status_code == 400
    assert roles.OWN_REQUEST in own.get_data(as_text=True)
    post(client, "/account/sign-out")
    sign_in(client, "site@example.org")
    assert post(client, f"/account/roles/{role_id}/approve").status_code == 404
    post(client, "/account/sign-out")
    sign_in(client, "boss@example.org")
    listed = client.get("/account/").get_data(as_text=True)
    assert 'id="pending-requests"' in listed and "nurse@example.org" in listed
    approved = post(client, f"/account/roles/{role_id}/approve")
    assert approved.status_code == 302
    _, status, _, decider, decided_at = role_of(app, "nurse@example.org", "A00001")
    assert (status, decider) == ("active", "boss@example.org") and decided_at is not None
    twice = post(client, f"/account/roles/{role_id}/reject")
    assert twice.status_code == 400
    assert "That request has already been decided" in twice.get_data(as_text=True)
    removed = post(client, f"/account/roles/{role_id}/remove")
    assert removed.status_code == 302
    assert role_of(app, "nurse@example.org", "A00001")[1] == "removed"


def test_site_admin_decides_where_the_practice_has_no_admin(app, client):
    add_practices(app, "A00002")
    make_user(app, "site@example.org", admin=True)
    make_user(app, "gp@example.org")
    role_id = set_role(app, "gp@example.org", "A00002", "pending")
    sign_in(client, "site@example.org")
    queue = client.get("/admin/roles").get_data(as_text=True)
    assert f'data-role-id="{role_id}"' in queue
    rejected = post(client, f"/account/roles/{role_id}/reject", {"back": "/admin/roles"})
    assert rejected.headers["Location"] == "/admin/roles"
    assert role_of(app, "gp@example.org", "A00002")[1:4] == (
        "rejected",
        "member",
        "site@example.org",
    )
    # A rejected person may ask again.
    with app.app_context():
        gp = db.session.scalar(db.select(User).filter_by(email="gp@example.org"))
        assert roles.request_role(gp, "A00002").status == "pending"


def test_practice_admin_sees_and_removes_members_only_at_their_practice(app):
    add_practices(app, "A00001", "A00002")
    for email in ("boss@example.org", "m1@example.org", "m2@example.org"):
        make_user(app, email)
    set_role(app, "boss@example.org", "A00001", "active", role="admin")
    m1 = set_role(app, "m1@example.org", "A00001", "active")
    m2 = set_role(app, "m2@example.org", "A00002", "active")
    with app.app_context():
        boss = db.session.scalar(db.select(User).filter_by(email="boss@example.org"))
        assert [r.email for r in roles.members_of(boss, "A00001")] == [
            "boss@example.org", "m1@example.org",
        ]  # fmt: skip
        assert roles.members_of(boss, "A00002") == []
        with pytest.raises(NotFoundOrDenied):
            roles.remove(boss, m2)
        assert roles.remove(boss, m1).status == "removed"
        with pytest.raises(AccountError, match="only admin"):
            roles.remove(boss, roles.members_of(boss, "A00001")[0].id)


def test_requests_need_a_verified_email_and_a_real_practice(app):
    add_practices(app, "A00001")
    make_user(app, "new@example.org", verified=False)
    make_user(app, "ok@example.org")
    with app.app_context():
        new = db.session.scalar(db.select(User).filter_by(email="new@example.org"))
        ok = db.session.scalar(db.select(User).filter_by(email="ok@example.org"))
        with pytest.raises(AccountError, match="Confirm your email address"):
            roles.request_role(new, "A00001")
        for code in ("Z99999", "nonsense", "", None):
            with pytest.raises(AccountError, match="There is no practice with that ODS code"):
                roles.request_role(ok, code)
        with pytest.raises(AccountError, match="Choose member or practice admin"):
            roles.request_role(ok, "A00001", role="owner")


def test_no_one_decides_their_own_request(app, client):
    """A member, a practice admin (of another practice) and a site admin (where the practice
    has no admin, so they decide its requests) are all refused their own request."""
    add_practices(app, "A00001", "A00002", "A00003")
    make_user(app, "boss@example.org")
    make_user(app, "nurse@example.org")
    make_user(app, "site@example.org", admin=True)
    set_role(app, "boss@example.org", "A00001", "active", role="admin")
    own = {
        "nurse@example.org": set_role(app, "nurse@example.org", "A00001", "pending"),
        "boss@example.org": set_role(app, "boss@example.org", "A00002", "pending", role="admin"),
        "site@example.org": set_role(app, "site@example.org", "A00003", "pending", role="admin"),
    }
    for email, role_id in own.items():
        sign_in(client, email)
        for action in ("approve", "reject"):
            refused = post(client, f"/account/roles/{role_id}/{action}")
            assert refused.status_code == 400
            assert roles.OWN_REQUEST in refused.get_data(as_text=True)
        post(client, "/account/sign-out")
    assert roles.OWN_REQUEST == (
        "You cannot approve or reject your own request; "
        "an admin of the practice, or a site admin where it has none, decides it"
    )
    with app.app_context():
        site = db.session.scalar(db.select(User).filter_by(email="site@example.org"))
        with pytest.raises(AccountError, match="You cannot approve or reject your own request"):
            roles.decide(site, own["site@example.org"], approve=True)
        # The site admin is not even offered their own request.
        assert [r.id for r in roles.requests_for(site)] == [own["boss@example.org"]]
        assert db.session.scalar(db.select(db.func.count()).select_from(RoleDecision)) == 0
    for email, role_id in own.items():
        assert role_of(app, email, code_of(app, role_id))[1] == "pending"
    sign_in(client, "site@example.org")
    queue = client.get("/admin/roles").get_data(as_text=True)
    assert f'data-role-id="{own["site@example.org"]}"' not in queue
    assert f'data-role-id="{own["boss@example.org"]}"' in queue


def code_of(app, role_id):
    with app.app_context():
        return db.session.get(PracticeRole, role_id).practice_code


def test_a_site_admin_decision_is_audited_and_shown_to_the_practice(app, client):
    add_practices(app, "A00002")
    make_user(app, "site@example.org", admin=True)
    make_user(app, "gp@example.org")
    make_user(app, "nurse@example.org")
    gp_role = set_role(app, "gp@example.org", "A00002", "pending", role="admin")
    sign_in(client, "site@example.org")
    approved = post(client, f"/account/roles/{gp_role}/approve", {"back": "/admin/roles"})
    assert approved.status_code == 302
    post(client, "/account/sign-out")
    with app.app_context():
        site_id = db.session.scalar(db.select(User.id).filter_by(email="site@example.org"))
        gp_id = db.session.scalar(db.select(User.id).filter_by(email="gp@example.org"))
        [audit] = db.session.scalars(db.select(RoleDecision)).all()
        assert (
            audit.practice_code, audit.actor_id, audit.subject_id, audit.role, audit.decision,
            audit.as_site_admin,
        ) == ("A00002", site_id, gp_id, "admin", "approved", True)  # fmt: skip
        assert audit.at == db.session.get(PracticeRole, gp_role).decided_at
    # The practice's new admin sees who granted the role, as a site admin, and when.
    sign_in(client, "gp@example.org")
    page = client.get("/account/").get_data(as_text=True)
    row = re.search(rf'<tr [^>]*data-role-id="{gp_role}".*?</tr>', page, re.S).group(0)
    assert "by site@example.org" in row and ">site admin</strong>" in row
    table = re.search(r'<table [^>]*id="site-admin-decisions-A00002".*?</table>', page, re.S)
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', table.group(0))
    assert cells[1:] == ["site@example.org", "Approved", "gp@example.org", "Practice admin"]
    # The practice's own admin deciding is audited too, but is not a site admin's decision.
    nurse_role = set_role(app, "nurse@example.org", "A00002", "pending")
    assert post(client, f"/account/roles/{nurse_role}/approve").status_code == 302
    with app.app_context():
        decisions = db.session.execute(
            db.select(RoleDecision.decision, RoleDecision.as_site_admin).order_by(RoleDecision.id)
        ).all()
        assert decisions == [("approved", True), ("approved", False)]
        gp = db.session.get(User, gp_id)
        assert [d.person for d in roles.site_admin_decisions(gp, "A00002")] == ["gp@example.org"]
        nurse = db.session.scalar(db.select(User).filter_by(email="nurse@example.org"))
        assert roles.site_admin_decisions(nurse, "A00002") == []  # members do not manage
    page = client.get("/account/").get_data(as_text=True)
    row = re.search(rf'<tr [^>]*data-role-id="{nurse_role}".*?</tr>', page, re.S).group(0)
    assert "by gp@example.org" in row and "site admin" not in row


def test_a_role_granted_by_the_operations_command_is_audited_and_shown(app, runner, client):
    add_practices(app, "A00004")
    make_user(app, "lead@example.org")
    result = runner.invoke(args=["users", "grant", "lead@example.org", "A00004", "--role", "admin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [audit] = db.session.scalars(db.select(RoleDecision)).all()
        assert (audit.practice_code, audit.actor_id, audit.role, audit.decision) == (
            "A00004", None, "admin", "granted",
        )  # fmt: skip
        assert audit.as_site_admin is True
    sign_in(client, "lead@example.org")
    page = client.get("/account/").get_data(as_text=True)
    table = re.search(r'<table [^>]*id="site-admin-decisions-A00004".*?</table>', page, re.S)
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', table.group(0))
    assert cells[1:] == ["the operations command", "Granted", "lead@example.org", "Practice admin"]

"""The operations CLI through Flask's runner."""

from portal.extensions import db
from portal.models import PracticeRole, User


def test_data_load_and_status(runner, nhs_data):
    result = runner.invoke(
        args=["data", "load", "patients-registered",
              str(nhs_data / "patients_registered/gp-reg-pat-prac-all_2025-12.csv")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "patients-registered 2025-12: loaded 6,196 rows" in result.output
    status = runner.invoke(args=["data", "status"])
    assert "patients-registered" in status.output
    assert "latest 2025-12" in status.output


def test_data_load_bad_file_exits_nonzero(runner, nhs_data):
    result = runner.invoke(
        args=["data", "load", "ods-practices",
              str(nhs_data / "patients_registered/gp-reg-pat-prac-all_2025-12.csv")]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: gp-reg-pat-prac-all_2025-12.csv, line 1, column 1: not an epraccur row" in (
        result.output
    )


def test_data_load_unknown_dataset(runner):
    from portal.ingest import LOADERS

    result = runner.invoke(args=["data", "load", "nope", "x.csv"])
    assert result.exit_code == 2
    choices = ", ".join(f"'{name}'" for name in sorted(LOADERS))
    assert f"'nope' is not one of {choices}." in " ".join(result.output.split())


def test_users_create_grant_list(app, runner, nhs_data):
    runner.invoke(args=["data", "load", "ods-practices", str(nhs_data / "ods/epraccur.csv")])
    created = runner.invoke(
        args=["users", "create", "Manager@Example.org", "--password", "correct horse battery"]
    )
    assert created.exit_code == 0, created.output
    granted = runner.invoke(
        args=["users", "grant", "manager@example.org", "a81001", "--role", "admin"]
    )
    assert granted.output.strip() == "manager@example.org is now an active admin at A81001"
    listed = runner.invoke(args=["users", "list"])
    assert "manager@example.org  roles: A81001:admin:active" in listed.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.password_hash.startswith("$argon2")
        assert "correct horse" not in user.password_hash
        role = db.session.scalar(db.select(PracticeRole))
        assert (role.status, role.role) == ("active", "admin")


def test_users_errors(runner):
    short = runner.invoke(args=["users", "create", "a@b.org", "--password", "short"])
    assert short.exit_code == 1
    assert "Password must be at least 12 characters" in short.output
    runner.invoke(args=["users", "create", "a@b.org", "--password", "long enough pw"])
    again = runner.invoke(args=["users", "create", "A@b.org", "--password", "long enough pw"])
    assert "an account for a@b.org already exists" in again.output
    grant = runner.invoke(args=["users", "grant", "a@b.org", "Z99999"])
    assert "no practice with ODS code Z99999" in grant.output

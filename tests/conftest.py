"""Fixtures: a migrated database per session (SQLite, or PostgreSQL with HARESIGN_TEST_DB),
an app/client/runner per test on a clean database, and a session database loaded with the
real published files from ../shared/nhs-data."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
NHS_DATA = ROOT.parent / "shared" / "nhs-data"
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKEND = os.environ.get("HARESIGN_TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_report_header(config):
    return f"database backend: {BACKEND}; real data: {NHS_DATA if NHS_DATA.exists() else 'absent'}"


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class Databases:
    """Creates throwaway databases on the chosen backend and drops them at the end."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.created: list[str] = []
        if BACKEND == "postgresql":
            self.admin = sa.create_engine(_pg(PG_URL), isolation_level="AUTOCOMMIT")
            try:
                with self.admin.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
            except sa.exc.OperationalError as exc:
                message = f"PostgreSQL is not reachable at {PG_URL}: {exc.orig}"
                if IN_CI:
                    pytest.exit(message, returncode=1)
                pytest.skip(message, allow_module_level=True)

    def new(self, label: str) -> str:
        if BACKEND == "postgresql":
            name = f"haresign_{label}_{uuid.uuid4().hex[:8]}"
            with self.admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
            return _pg(PG_URL.rsplit("/", 1)[0] + "/" + name)
        return f"sqlite:///{self.tmp / f'{label}.db'}"

    def drop_all(self) -> None:
        if BACKEND == "postgresql":
            with self.admin.connect() as conn:
                for name in self.created:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


def make_app(url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def scratch_url(databases):
    url = databases.new("scratch")
    migrate(make_app(url))
    return url


@pytest.fixture
def app(scratch_url):
    """An app on the session's scratch database, emptied after each test."""
    application = make_app(scratch_url)
    yield application
    with application.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def site(app, scratch_url):
    """A second app on `app`'s database, outside the request context pytest-flask pushes for
    `app`: each request gets its own `g`, as two browsers' requests do (Flask-Login keeps the
    signed-in user in `g`, so tests with several clients need this)."""
    browsers = make_app(scratch_url)
    yield browsers
    with browsers.app_context():
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def published_files() -> Path:
    """The published files; CI must have them, elsewhere tests skip with the reason."""
    if not NHS_DATA.exists():
        message = f"the published NHS files are not at {NHS_DATA}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return NHS_DATA


@pytest.fixture
def nhs_data() -> Path:
    return published_files()


REAL_FILES = {
    "ods-practices": ["ods/epraccur.csv"],
    "ods-pcns": ["ods/ePCN_2023-02.xlsx"],
    "patients-registered": [
        "patients_registered/gp-reg-pat-prac-map_2025-12.csv",
        "patients_registered/gp-reg-pat-prac-all_2025-12.csv",
        "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz",
        "patients_registered/gp-reg-pat-prac-all_2021-01_CCG-layout.csv",
    ],
    "gpad": ["gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"],
    "online-consultations": [
        "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz",
        "online_consultations/OC_by_day_and_time_2025-08.csv.gz",
    ],
    "qof-prevalence": ["qof/MAPPING_INDICATORS_2021_v2.csv", "qof/PREVALENCE_2021_v2.csv"],
    "payments": ["payments/nhs_payments_gp_21-22.csv"],
    "gpps": ["gpps/GPPS_2026_practice_weighted_excerpt.csv"],
}


@pytest.fixture(scope="session")
def real_app(databases):
    """An app whose database holds the real published files, loaded once per session."""
    published_files()
    from portal.ingest import load_paths

    url = databases.new("real")
    application = make_app(url)
    migrate(application)
    with application.app_context():
        for dataset, files in REAL_FILES.items():
            load_paths(dataset, [NHS_DATA / f for f in files])
        db.engine.dispose()
    return application


@pytest.fixture
def real_client(real_app):
    return real_app.test_client()


@pytest.fixture
def env_app(monkeypatch, scratch_url):
    """create_app(settings from the environment), as `wsgi.py` does, on the scratch database
    unless `database=False` (emptied after): `env_app(API_RATE_LIMIT="2/minute")`."""
    made = []

    def build(database: bool = True, **env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        config = {"TESTING": True}
        if database:
            config["SQLALCHEMY_DATABASE_URI"] = scratch_url
        made.append(create_app(config))
        return made[-1]

    yield build
    monkeypatch.undo()
    cleaner = make_app(scratch_url)
    with cleaner.app_context():
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()
    for application in made:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def fixed_clock(monkeypatch):
    """Rate-limit windows read a clock that stands still, so Retry-After is exact."""
    from portal import ratelimits

    monkeypatch.setattr(ratelimits, "clock", lambda: 1_800_000_000.0)

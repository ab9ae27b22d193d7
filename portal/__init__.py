"""Haresign: the app factory, a short list of register_* steps."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.config import load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(load_config(config))
    register_database(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errors(app)
    register_template_context(app)
    register_http(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from portal import request_logs

    request_logs.install()  # no query string (search text) in request log lines
    return app


def register_database(app: Flask) -> None:
    """Make the SQLite folder on first use; PostgreSQL needs nothing here."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys and let readers run beside a load."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_http(app: Flask) -> None:
    """Security headers on every response; behind `TRUSTED_PROXIES` reverse proxies, the
    client's own address and scheme from X-Forwarded-For/-Proto (never the host: links come
    from PUBLIC_BASE_URL)."""
    from portal import security_headers

    security_headers.init_app(app)
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def register_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (one metadata for Alembic)
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    from portal import ratelimits  # noqa: F401  (registers the database:// limits storage)

    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"

    from portal import sessions

    login_manager.user_loader(sessions.load_user)  # only a session at the user's version


def register_blueprints(app: Flask) -> None:
    from portal.blueprints import (
        accounts,
        admin,
        compare,
        docs,
        groups,
        national,
        practices,
        private,
        public,
        saved_groups,
        watchlist,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(practices.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(national.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(private.bp)
    app.register_blueprint(saved_groups.bp)
    app.register_blueprint(watchlist.bp)  # also one-click unsubscribe (CSRF-exempt, no session)
    app.register_blueprint(groups.bp)  # /pcns, /sub-icbs, /icbs, /regions dashboards

    from portal.blueprints import briefing

    app.register_blueprint(briefing.bp)  # printable practice and PCN briefings (HTML and PDF)

    from portal.connections import views as connections

    app.register_blueprint(connections.bp)  # OAuth authorisation server + discovery
    app.register_blueprint(connections.pages)  # /mcp/about/ (AI Connections), `flask connections`

    from portal import api

    api.init_app(app)  # /api/v1 (CSRF-exempt, bearer keys) and /api/ docs and keys pages

    from portal import mcp

    mcp.init_app(app)  # /mcp/ (CSRF-exempt, OAuth bearer): the MCP endpoint


def register_commands(app: Flask) -> None:
    from portal import commands

    commands.init_app(app)


def register_errors(app: Flask) -> None:
    from portal.blueprints import errors

    errors.init_app(app)


def register_template_context(app: Flask) -> None:
    from portal.blueprints import presentation

    presentation.init_app(app)

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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
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


def register_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (one metadata for Alembic)
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id)) if user_id.isdigit() else None


def register_blueprints(app: Flask) -> None:
    from portal.blueprints import (
        accounts,
        admin,
        compare,
        docs,
        national,
        practices,
        private,
        public,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(practices.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(national.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(private.bp)

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

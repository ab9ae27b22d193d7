"""Settings from the environment: safe local defaults, and a production mode that fails fast."""

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """A required production setting is missing or unsafe."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    """Build the settings dict for create_app; `overrides` (tests) win over the environment."""
    env = os.environ.get("HARESIGN_ENV", "development")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'haresign.db'}"
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or None,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "DEMO_DATA": _bool("DEMO_DATA", default=False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": 3600,
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SEARCH_MAX_QUERY_LENGTH": 100,
        # OAuth for AI assistants: access tokens live long (assistants seldom refresh);
        # revocation is still checked on every request.
        "OAUTH_ACCESS_TOKEN_TTL": int(os.environ.get("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600)),
        "OAUTH_REFRESH_TOKEN_TTL": int(os.environ.get("OAUTH_REFRESH_TOKEN_TTL", 30 * 86400)),
    }
    if overrides:
        config.update(overrides)
    if config["ENV_NAME"] == "production":
        check_production(config)
    return config


def normalise_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_production(config: dict) -> None:
    """Refuse to start in production with development defaults."""
    secret = config.get("SECRET_KEY") or ""
    if secret == "dev-only-not-secret" or len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of 32+ characters in production"
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigError("DATABASE_URL must point to PostgreSQL in production")
    if not config.get("PUBLIC_BASE_URL", "") or not config["PUBLIC_BASE_URL"].startswith(
        "https://"
    ):
        raise ConfigError("PUBLIC_BASE_URL must be an https:// origin in production")

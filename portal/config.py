"""Settings from the environment: one table of every setting, safe local defaults, and a
production mode that fails fast. The README's settings table is `markdown_table()`."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portal.mail import checked_mail_url

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_SECRET_KEY = "dev-only-not-secret"
DEV_MAIL_FROM = "Haresign <no-reply@localhost>"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class ConfigError(RuntimeError):
    """A required production setting is missing or unsafe."""


def normalise_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_bool(text: str) -> bool:
    """1/true/yes/on (any case) is on, anything else off."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def parse_count(text: str) -> int:
    """A whole number of 0 or more."""
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def parse_origins(text: str) -> tuple[str, ...]:
    """Comma-separated origins, e.g. `https://a.example,https://b.example`."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_base_url(text: str) -> str | None:
    return text.strip().rstrip("/") or None


@dataclass(frozen=True)
class Setting:
    """One environment variable: the config key it sets, its default, parser and meaning."""

    name: str
    default: object
    parse: Callable[[str], object]
    meaning: str
    shown_default: str  # the default as the README shows it
    key: str = ""  # the config key, when it is not the variable's name

    @property
    def config_key(self) -> str:
        return self.key or self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("HARESIGN_ENV", "development", str.strip,
            "`production` requires the settings below, sends HSTS and Secure cookies",
            "`development`", key="ENV_NAME"),
    Setting("SECRET_KEY", DEV_SECRET_KEY, str,
            "signs sessions and CSRF tokens; required (32+ chars) in production",
            "a development key"),
    Setting("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'haresign.db'}", normalise_database_url,
            "e.g. `postgresql://user@host/db` (PostgreSQL is required in production)",
            "SQLite in `instance/`", key="SQLALCHEMY_DATABASE_URI"),
    Setting("PUBLIC_BASE_URL", None, parse_base_url,
            "external https origin: OAuth issuer, MCP resource, links in mail; required in "
            "production", "`http://127.0.0.1:5000` (where `make run` serves)"),
    Setting("TRUSTED_PROXIES", 0, parse_count,
            "reverse proxies in front of the app whose `X-Forwarded-For`/`-Proto` are believed",
            "`0`"),
    Setting("REDIS_URL", None, str.strip,
            "shared rate-limit counters in Redis, e.g. `redis://127.0.0.1:6379/0`", "none"),
    Setting("RATELIMIT_STORAGE_URI", None, str.strip,
            "where rate-limit counters live: `database://`, a Redis URL, or `memory://` "
            "(one process only)", "`REDIS_URL`, else `database://`"),
    Setting("RATELIMIT_ENABLED", True, parse_bool, "`false` turns every rate limit off", "`true`"),
    Setting("SIGN_IN_RATE_LIMIT", "10 per minute", str.strip,
            "sign-in, sign-up and reset attempts per client address", "`10 per minute`"),
    Setting("API_RATE_LIMIT", "120/minute", str.strip, "`/api/v1/` requests per key",
            "`120/minute`"),
    Setting("MCP_RATE_LIMIT", "120 per minute", str.strip, "`/mcp/` requests per connection",
            "`120 per minute`"),
    Setting("MCP_ALLOWED_ORIGINS", (), parse_origins,
            "comma-separated browser origins allowed to call `/mcp/` besides `PUBLIC_BASE_URL`",
            "none"),
    Setting("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600, int, "access-token lifetime in seconds",
            "`28800` (8 hours)"),
    Setting("OAUTH_REFRESH_TOKEN_TTL", 30 * 86400, int, "refresh-token lifetime in seconds",
            "`2592000` (30 days)"),
    Setting("OAUTH_CODE_TTL", 300, int, "authorisation-code lifetime in seconds", "`300`"),
    Setting("OAUTH_REFRESH_GRACE_SECONDS", 60, parse_count,
            "seconds a just-rotated refresh token may be replayed (parallel refreshes) before a "
            "replay ends the connection", "`60`"),
    Setting("AUTHORIZE_RATE_LIMIT", "30 per minute", str.strip,
            "`/oauth/authorize` requests (consent pages and decisions) per client address",
            "`30 per minute`"),
    Setting("CIMD_FETCH_TIMEOUT", 5.0, float,
            "seconds one client metadata document fetch may take in all (connect and reads)",
            "`5`"),
    Setting("DEMO_DATA", False, parse_bool, "label every page as synthetic", "`false`"),
    Setting("MAIL_URL", None, checked_mail_url,
            "SMTP server for mail: `smtp://user:pw@host:587` (STARTTLS), `smtps://user:pw@host:465` "
            "(TLS), plain only to a loopback relay; required in production",
            "none: mail goes to the outbox table"),
    Setting("MAIL_FROM", DEV_MAIL_FROM, str.strip,
            "sender of every message; a real address in production", f"`{DEV_MAIL_FROM}`"),
    Setting("INGEST_MAX_EXTRACTED_BYTES", 2 * 1024**3, parse_count,
            "most bytes a data file, or a zip's data files, may unpack to on `flask data load`",
            "`2147483648` (2 GiB)"),
    Setting("NHS_DIGITAL_BASE_URL", "https://digital.nhs.uk", parse_base_url,
            "where `flask data fetch` finds NHS England's publication pages (a mirror, or a "
            "test server)", "`https://digital.nhs.uk`"),
    Setting("ODS_DSE_BASE_URL", "https://www.odsdatasearchandexport.nhs.uk", parse_base_url,
            "the ODS Data Search and Export API that `flask data fetch ods-practices` reads",
            "`https://www.odsdatasearchandexport.nhs.uk`"),
    Setting("GPPS_BASE_URL", "https://www.gp-patient.co.uk", parse_base_url,
            "the GP Patient Survey site whose reports page `flask data fetch gpps` reads",
            "`https://www.gp-patient.co.uk`"),
    Setting("FETCH_USER_AGENT", BROWSER_USER_AGENT, str.strip,
            "User-Agent of `flask data fetch` (NHS England's firewall refuses library defaults)",
            "a desktop browser's"),
    Setting("CHROMIUM_PATH", "/usr/bin/chromium", str.strip,
            "the headless Chromium that renders briefing PDFs (`/practices/<ODS>/briefing.pdf`); "
            "missing, those answer 503", "`/usr/bin/chromium` (Debian's `chromium`)"),
    Setting("PDF_RENDER_TIMEOUT", 30.0, float,
            "seconds one briefing PDF may take to render before the request answers 503", "`30`"),
)  # fmt: skip

FIXED = {  # not settings: the app's own choices
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SEARCH_MAX_QUERY_LENGTH": 100,
    "OAUTH_CIMD_ALLOW_PRIVATE": False,  # tests only: metadata documents on loopback
}


def read_setting(setting: Setting) -> object:
    """The setting's value from the environment (empty counts as unset), else its default."""
    text = os.environ.get(setting.name, "")
    if not text.strip():
        return setting.default
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{setting.name}: {exc}") from exc


def load_config(overrides: dict | None = None) -> dict:
    """Build the settings dict for create_app; `overrides` (tests) win over the environment."""
    config = dict(FIXED)
    config.update({s.config_key: read_setting(s) for s in SETTINGS})
    if overrides:
        config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["RATELIMIT_STORAGE_URI"] = (
        config["RATELIMIT_STORAGE_URI"] or config["REDIS_URL"] or "database://"
    )
    production = config["ENV_NAME"] == "production"
    config.setdefault("SESSION_COOKIE_SECURE", production)
    config.setdefault("REMEMBER_COOKIE_SECURE", production)
    if production:
        check_production(config)
    return config


def check_production(config: dict) -> None:
    """Refuse to start in production with development defaults."""
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of 32+ characters in production"
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigError("DATABASE_URL must point to PostgreSQL in production")
    if not (config.get("PUBLIC_BASE_URL") or "").startswith("https://"):
        raise ConfigError("PUBLIC_BASE_URL must be an https:// origin in production")
    if not config.get("MAIL_URL"):
        raise ConfigError(
            "MAIL_URL must name the SMTP server in production, e.g. smtp://user:pw@host:587"
        )
    if config.get("MAIL_FROM", DEV_MAIL_FROM) == DEV_MAIL_FROM:
        raise ConfigError("MAIL_FROM must be a real sender address in production")


def markdown_table() -> str:
    """The README's settings table."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | {s.shown_default} | {s.meaning} |" for s in SETTINGS]
    return "\n".join(rows)

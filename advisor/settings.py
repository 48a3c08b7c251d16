"""The advisor's settings: one pydantic-settings class and its single instance."""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from advisor.ratelimit import parse_networks

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
# A shorter admin token can be guessed; the default token_urlsafe(32) has 43 characters.
MIN_ADMIN_TOKEN_LENGTH = 24


class Settings(BaseSettings):
    """Every path and URL the advisor uses; each can be set from the environment (ADVISOR_*)."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    content_dir: Path = Field(
        default=PROJECT_ROOT / "content",
        description="Folder holding the evidence and rules as YAML (an admissions team may point "
        "this at its own copy).",
    )
    database_url: str = Field(
        default=f"sqlite:///{DATA_DIR / 'advisor.db'}",
        # DATABASE_URL is the common convention; REFLEX_DB_URL is what Reflex itself reads.
        validation_alias=AliasChoices("DATABASE_URL", "REFLEX_DB_URL", "ADVISOR_DATABASE_URL"),
        description="Where saved assessments live: a SQLite file by default, or PostgreSQL "
        "(postgresql+psycopg://user:password@host/db).",
    )
    database_busy_timeout: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="Seconds a save or read waits for a database that is busy (locked by "
        "another process, every connection in use) before the person is asked to try again.",
    )
    retention_days: int = Field(
        default=365,
        ge=1,
        description="Saved assessments older than this many days are deleted by `make purge`.",
    )
    plan_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="A plan made together expires this many days after it was created; "
        "`make purge` deletes expired plans (a link to one says it has gone).",
    )
    admin_token: str = Field(
        default="",
        description="Bearer token for the insights (page and API). Empty, or shorter than "
        f"{MIN_ADMIN_TOKEN_LENGTH} characters: insights disabled.",
    )
    insights_session_minutes: int = Field(
        default=30,
        ge=1,
        description="A signed-in insights page asks for the token again this long after sign-in.",
    )
    saves_per_minute: int = Field(
        default=30,
        ge=1,
        description="Saved results one client may store per minute (API and web app); more are "
        "refused with 429 / a 'try again later' message.",
    )
    connections_per_minute: int = Field(
        default=120,
        ge=1,
        description="New websocket connections (page loads, reconnections) one client may open "
        "per minute; more are refused until the next is due, and the page retries by itself. "
        "Generous, for the many people one school's network address may stand for.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed when counting a client's requests, e.g. '127.0.0.1'. "
        "Empty: the connecting address is the client.",
    )
    session_idle_seconds: int = Field(
        default=600,
        ge=5,
        le=24 * 60 * 60,
        description="How long the server keeps a web session's state after its last event. "
        "The answers stay in the browser, so an idle page that comes back loses nothing.",
    )
    cors_origins: str = Field(
        default="*",
        description="Which other sites' pages may read the API's answers in a browser: '*' "
        "(any, never with credentials) or a space-separated list of origins, e.g. "
        "'https://www.example.ac.uk'.",
    )
    frame_ancestors: str = Field(
        default="*",
        description="Which sites may embed the advisor in a frame, as a CSP frame-ancestors "
        "source list, e.g. 'https://www.example.ac.uk https://apply.example.ac.uk'. Only /embed "
        "can be framed; every other page refuses any frame.",
    )
    allowed_hosts: str = Field(
        default="localhost,127.0.0.1,[::1]",
        description="Comma-separated host names the advisor answers for (the Host header); any "
        "other gets 400. `*.example.org` allows its subdomains, `*` any host. The host of the "
        "backend URL the frontend is built with (REFLEX_API_URL; localhost when unset) is "
        "always allowed.",
    )
    counting: Literal["on", "off"] = Field(
        default="on",
        description="Whether the advisor keeps anonymous weekly counts of how its pages are "
        "used (questionnaires started, steps reached, results shown): 'on' or 'off'. Never "
        "per person; browsers sending Global Privacy Control are not counted either way.",
    )
    hsts_seconds: int = Field(
        default=0,
        ge=0,
        description="When above 0, every response carries Strict-Transport-Security with this "
        "max-age: set it only when the advisor is served over HTTPS alone (e.g. 31536000).",
    )

    def host_names(self, api_url: str | None) -> list[str]:
        """The allowed host names, with the host of the frontend's backend URL among them."""
        names = [name.strip() for name in self.allowed_hosts.split(",") if name.strip()]
        host = urlsplit(api_url).hostname if api_url else None
        if host:
            names.append(f"[{host}]" if ":" in host else host)
        return names

    @field_validator("trusted_proxies")
    @classmethod
    def _known_networks(cls, value: str) -> str:
        parse_networks(value)  # a typo here would silently trust nobody, or the wrong hosts
        return value

    def admin_token_problem(self) -> str:
        """Why the insights are disabled, or "" when the admin token enables them."""
        return admin_token_problem(self.admin_token)


def admin_token_problem(token: str) -> str:
    """Why `token` cannot enable the insights, or "" when it can."""
    if not token:
        return (
            "Insights are disabled: no admin token is configured. Set ADVISOR_ADMIN_TOKEN to a "
            "long random value and restart the advisor to enable them."
        )
    if len(token) < MIN_ADMIN_TOKEN_LENGTH:
        return (
            f"Insights are disabled: ADVISOR_ADMIN_TOKEN is shorter than "
            f"{MIN_ADMIN_TOKEN_LENGTH} characters, short enough to guess. Set it to a long "
            "random value and restart the advisor to enable them."
        )
    return ""


settings = Settings()

"""The advisor's settings: one pydantic-settings class and its single instance."""

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


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
    retention_days: int = Field(
        default=365,
        ge=1,
        description="Saved assessments older than this many days are deleted by `make purge`.",
    )
    admin_token: str = Field(
        default="",
        description="Bearer token for the insights (page and API). Empty: insights disabled.",
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


settings = Settings()

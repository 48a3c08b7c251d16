"""The advisor's settings: one pydantic-settings class and its single instance."""

from pathlib import Path

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
    admin_token: str = Field(
        default="",
        description="Bearer token for the insights (page and API). Empty: insights disabled.",
    )
    frame_ancestors: str = Field(
        default="*",
        description="Which sites may embed the advisor in a frame, as a CSP frame-ancestors "
        "source list, e.g. 'https://www.example.ac.uk https://apply.example.ac.uk'.",
    )


settings = Settings()

"""The advisor's settings: one pydantic-settings class and its single instance."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every path and URL the advisor uses; each can be set from the environment (ADVISOR_*)."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    content_dir: Path = Field(
        default=PROJECT_ROOT / "content",
        description="Folder holding the evidence and rules as YAML (an admissions team may point "
        "this at its own copy).",
    )
    api_prefix: str = Field(default="/api", description="Where the JSON API is mounted.")


settings = Settings()

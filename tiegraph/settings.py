"""The one settings object. Every value comes from a `TIEGRAPH_*` environment variable."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tiegraph.credentials import ensure_credentials, load_credentials

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    """Runtime configuration; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="TIEGRAPH_", extra="ignore")

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "512m"
    redis_url: str = "redis://127.0.0.1:6379/0"
    data_dir: Path = Path(".tiegraph")
    firm_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ingest_batch_size: int = Field(default=5000, ge=1, le=100_000)
    job_timeout_seconds: int = Field(default=3600, ge=1)
    # Seconds between scheduled syncs of each live source (mailboxes, calendars).
    sync_interval: int = Field(default=300, ge=5, le=7 * 24 * 3600)
    # A running job holds a lease this long, renewed while it runs: a job whose worker died
    # is taken up again by another worker (or the same one, restarted) once it ends.
    job_lease_seconds: int = Field(default=30, ge=3)
    # Finished jobs (their counts, errors and failure) are kept this long (`GET /jobs`).
    job_history_days: float = Field(default=30.0, gt=0)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # API limits: every one of them answers with code LIMIT, never a 500.
    max_page_size: int = Field(default=100, ge=1, le=10_000)
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    max_query_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=15, ge=0)
    max_query_tokens: int = Field(default=2000, ge=10)
    # Checked before a body is read or a document parsed, so an oversized request costs
    # nothing: a GraphQL document, any request body (10,000 interactions to ingestInteractions
    # fit), and a POST /ingest upload.
    max_query_bytes: int = Field(default=50_000, ge=100)
    max_body_bytes: int = Field(default=8 * 2**20, ge=1024)
    max_upload_bytes: int = Field(default=512 * 2**20, ge=1024)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    # Who may set X-Forwarded-For/-Proto (the reverse proxy); "*" trusts everyone.
    forwarded_allow_ips: str = "127.0.0.1"
    # The explorer's built files (`make web`); None: web/dist next to the source tree.
    web_dir: Path | None = None

    @field_validator("firm_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # Origins keep their case and scheme: they are compared verbatim by browsers.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _local_credentials(self) -> Self:
        """A local server tiegraph started has a generated password: use it unless one is set."""
        return self._with_passwords(load_credentials(self.data_dir))

    def with_local_credentials(self) -> "Settings":
        """These settings with the local servers' passwords, generated now if there are none
        yet (a first `tiegraph db start`, `redis start` or `up`)."""
        return self.model_copy()._with_passwords(ensure_credentials(self.data_dir))

    def _with_passwords(self, stored: dict[str, str]) -> Self:
        neo4j, redis = stored.get("neo4j_password"), stored.get("redis_password")
        if neo4j and self.neo4j_is_local and not self.neo4j_password.get_secret_value():
            self.neo4j_password = SecretStr(neo4j)
        url = urlsplit(self.redis_url)
        if redis and self.redis_is_local and url.password is None:
            self.redis_url = url._replace(netloc=f":{redis}@{_host_port(url)}").geturl()
        return self

    @property
    def redis_is_local(self) -> bool:
        """True when `TIEGRAPH_REDIS_URL` names a Redis on this machine."""
        return (urlsplit(self.redis_url).hostname or "") in LOOPBACK_HOSTS

    @property
    def redis_password(self) -> str | None:
        """The password in `TIEGRAPH_REDIS_URL` (a local Redis's generated one included)."""
        return urlsplit(self.redis_url).password

    @property
    def redis_shown(self) -> str:
        """`TIEGRAPH_REDIS_URL` without its password, for messages and logs."""
        url = urlsplit(self.redis_url)
        user = f"{url.username}@" if url.username else ""
        return url._replace(netloc=user + _host_port(url)).geturl()

    @property
    def neo4j_is_local(self) -> bool:
        """True when the URI names a plain Bolt server on this machine: one `tiegraph db` runs."""
        parts = urlsplit(self.neo4j_uri)
        return parts.scheme == "bolt" and (parts.hostname or "") in LOOPBACK_HOSTS

    @property
    def neo4j_port(self) -> int:
        """The Bolt port named in the URI (7687 when none is given)."""
        return urlsplit(self.neo4j_uri).port or 7687

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        """Basic auth for the driver, or None for a server without authentication."""
        password = self.neo4j_password.get_secret_value()
        return (self.neo4j_user, password) if password else None


def _host_port(url: SplitResult) -> str:
    host = f"[{url.hostname}]" if ":" in (url.hostname or "") else url.hostname or ""
    return f"{host}:{url.port}" if url.port else host


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

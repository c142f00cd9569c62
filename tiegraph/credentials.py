"""Generated passwords for the local Neo4j and Redis tiegraph runs itself.

On a shared host any local user can reach a server on loopback: without a password they could
write an `ApiToken` into Neo4j or a job into Redis. The passwords live in
`TIEGRAPH_DATA_DIR/credentials.json` (mode 0600, made on the first start of a local server) and
every tiegraph process reads them through `Settings`.
"""

import json
import os
import secrets
from pathlib import Path

FILE_NAME = "credentials.json"
KEYS = ("neo4j_password", "redis_password")


def credentials_path(data_dir: Path) -> Path:
    """Where the local servers' passwords are kept."""
    return data_dir / FILE_NAME


def load_credentials(data_dir: Path) -> dict[str, str]:
    """The stored passwords, or none when no local server was started from this data directory."""
    try:
        stored = json.loads(credentials_path(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {key: str(stored[key]) for key in KEYS if stored.get(key)}


def ensure_credentials(data_dir: Path) -> dict[str, str]:
    """The stored passwords, generated first when missing. The file is created with mode 0600
    (never readable by another user, even for an instant) and written whole or not at all."""
    stored = load_credentials(data_dir)
    if all(key in stored for key in KEYS):
        return stored
    data_dir.mkdir(parents=True, exist_ok=True)
    fresh = {key: stored.get(key) or secrets.token_urlsafe(32) for key in KEYS}
    staging = credentials_path(data_dir).with_suffix(".partial")
    staging.unlink(missing_ok=True)
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(fresh, out)
    staging.replace(credentials_path(data_dir))
    return fresh

"""A source's secret, fetched from where its reference points, at each connection.

The secret is held only for the sign-in: it is not stored, returned, or put in an error (an
error that quotes one, a server's say, goes through `scrub` first). A command's output is
the secret, so only its exit status is ever reported, never what it printed.
"""

import os
import shlex
import subprocess
from pathlib import Path

from tiegraph.sources import SecretKind, SecretRef

COMMAND_TIMEOUT_SECONDS = 30
MAX_SECRET_BYTES = 64 * 1024


class SourceFailure(Exception):
    """A sync that could not go on (auth, network, server, secret); the message is safe to
    store and show: it never holds a secret."""


def _from_command(command: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - the admin's own command, by design
            shlex.split(command), capture_output=True, timeout=COMMAND_TIMEOUT_SECONDS,
            check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, ValueError) as exc:
        raise SourceFailure(f"secret: the command could not run ({type(exc).__name__})") from None
    except subprocess.TimeoutExpired:
        raise SourceFailure(f"secret: the command ran past {COMMAND_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        raise SourceFailure(f"secret: the command exited with status {done.returncode}")
    return done.stdout[:MAX_SECRET_BYTES].decode("utf-8", "replace")


def _from_file(path: str) -> str:
    try:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_SECRET_BYTES).decode("utf-8", "replace")
    except OSError as exc:
        raise SourceFailure(f"secret: cannot read {path} ({exc.strerror})") from None


def resolve_secret(ref: SecretRef) -> str:
    """The secret `ref` points to, without surrounding white space; SourceFailure when it
    cannot be had or is empty."""
    match ref.kind:
        case SecretKind.ENV:
            value = os.environ.get(ref.value, "")
        case SecretKind.FILE:
            value = _from_file(ref.value)
        case SecretKind.COMMAND:
            value = _from_command(ref.value)
    value = value.strip()
    if not value:
        raise SourceFailure(f"secret: {ref.shown} gave nothing")
    return value


def scrub(text: str, secret: str | None) -> str:
    """`text` with `secret` (if any) replaced, for errors that may quote it."""
    return text.replace(secret, "[secret]") if secret else text

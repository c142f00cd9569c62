"""A real Dovecot (Debian's dovecot-imapd) and a real Radicale for the sync tests, each on a
free port in a temporary directory, started in about a second and stopped by pid."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from app.local.system import require_tool
from tests.conftest import free_port

START_TIMEOUT = 20.0


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}: {log.read_text(errors='replace')}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"not listening on {port} after {START_TIMEOUT} s; see {log}")


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


_DOVECOT_CONF = """base_dir = {dir}/run
state_dir = {dir}/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth_mechanisms}
auth_failure_delay = 0
log_path = {dir}/dovecot.log
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{dir}/mail/%u
first_valid_uid = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {dir}/passwd
}}
{oauth_passdb}userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={dir}/mail/%u
}}
"""

_OAUTH_PASSDB = """passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {dir}/oauth2.conf.ext
}}
"""

_OAUTH_CONF = """introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
"""


class Dovecot:
    """Dovecot with a passwd-file of `users` (address: password) and, when `introspection_url`
    is given, Dovecot's oauth2 passdb checking XOAUTH2 tokens against that URL."""

    def __init__(self, root: Path, port: int, users: dict[str, str],
                 introspection_url: str | None = None) -> None:  # fmt: skip
        self.root, self.port, self.users = root, port, users
        self.introspection_url = introspection_url
        self._proc: subprocess.Popen[bytes] | None = None
        self._binary = require_tool("dovecot", "dovecot-imapd")

    def _configure(self) -> Path:
        # Dovecot's auth and mail processes run as other users: every directory on the way
        # must let them through (pytest's temporary directories do not).
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root / "mail", "nobody", "nogroup")
        lines = "".join(f"{user}:{{PLAIN}}{password}\n" for user, password in self.users.items())
        (self.root / "passwd").write_text(lines)
        oauth = self.introspection_url is not None
        if oauth:
            conf = _OAUTH_CONF.format(url=self.introspection_url)
            (self.root / "oauth2.conf.ext").write_text(conf)
        config = self.root / "dovecot.conf"
        config.write_text(_DOVECOT_CONF.format(
            dir=self.root, port=self.port, oauth_mechanisms=" xoauth2 oauthbearer" if oauth else "",
            oauth_passdb=_OAUTH_PASSDB.format(dir=self.root) if oauth else ""))  # fmt: skip
        return config

    def start(self) -> None:
        """Start (or start again, on the same mail) and wait until it listens."""
        config = self._configure()
        log = self.root / "dovecot.stdout"
        with log.open("ab") as out:
            self._proc = subprocess.Popen(
                [self._binary, "-F", "-c", str(config)], stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            _wait_port(self.port, self._proc, log)
            self._wait_auth()
        except BaseException:
            self.stop()
            raise

    def _wait_auth(self) -> None:
        # The port listens before the auth service is ready; a sign-in then fails for a while.
        user = next(iter(self.users))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.client(user).logout()
                return
            except LoginError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop it (mail stays on disk)."""
        _stop(self._proc)
        self._proc = None

    def client(self, user: str) -> IMAPClient:
        """A signed-in IMAP client for one of the users."""
        client = IMAPClient("127.0.0.1", self.port, ssl=False, timeout=10)
        try:
            client.login(user, self.users[user])
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, user: str, folder: str, messages: list[EmailMessage]) -> None:
        """Put messages into a folder (created when missing) with IMAP APPEND."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for msg in messages:
                client.append(folder, msg.as_bytes())


class Radicale:
    """Radicale (from PyPI, run as `python -m radicale`) with htpasswd users, storing under
    `root`."""

    def __init__(self, root: Path, port: int, users: dict[str, str]) -> None:
        self.root, self.port, self.users = root, port, users
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until it listens."""
        self.root.mkdir(parents=True, exist_ok=True)
        users = "".join(f"{u}:{p}\n" for u, p in self.users.items())
        (self.root / "users").write_text(users)
        config = self.root / "config"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {self.root}/users\n"
            "htpasswd_encryption = plain\n"
            f"[storage]\nfilesystem_folder = {self.root}/collections\n"
            "[logging]\nlevel = warning\n"
        )
        log = self.root / "radicale.log"
        with log.open("ab") as out:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(config)], stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        _wait_port(self.port, self._proc, log)

    def stop(self) -> None:
        """Stop it (the collections stay on disk)."""
        _stop(self._proc)
        self._proc = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def dovecot_server(
    users: dict[str, str], introspection_url: str | None = None
) -> Iterator[Dovecot]:
    """A started Dovecot in a directory of its own under the system's temporary directory
    (pytest's are closed to Dovecot's users), removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="tiegraph-dovecot-"))
    server = Dovecot(root, free_port(), users, introspection_url)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


class _Introspection(BaseHTTPRequestHandler):
    """RFC 7662 token introspection as Dovecot's oauth2 passdb asks it (POST token=...)."""

    server: "IntrospectionServer"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        token = parse_qs(body).get("token", [""])[0]
        user = self.server.tokens.get(token)
        answer = {"active": True, "username": user} if user else {"active": False}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return None


class IntrospectionServer(ThreadingHTTPServer):
    """A real HTTP server on a free port that says which access tokens are valid, and whose."""

    def __init__(self, tokens: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", 0), _Introspection)
        self.tokens = tokens

    @property
    def url(self) -> str:
        """Where Dovecot posts tokens."""
        return f"http://127.0.0.1:{self.server_port}/introspect"


@contextmanager
def introspection_server(tokens: dict[str, str]) -> Iterator[IntrospectionServer]:
    """`IntrospectionServer` serving in a thread until the block ends."""
    server = IntrospectionServer(tokens)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

"""Background server processes the project starts itself: a pid file, a log, a ready line."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from app.local.system import check_listen_port
from tiegraph.errors import Unavailable

# Servers this process started, kept so they are reaped when stopped (no zombies, and no
# "subprocess still running" warning when a detached server outlives its Popen object).
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ManagedProcess:
    """A long-running server started detached, found again later through its pid file."""

    name: str
    argv: tuple[str, ...]
    workdir: Path
    ready_marker: str  # a line the server logs once it accepts connections
    # A word of the command line, checked so a recycled pid is never mistaken for ours.
    signature: str
    port: int  # the one it listens on
    # Extra environment: secrets go here, never on the command line (any user can read that).
    env: tuple[tuple[str, str], ...] = ()

    @property
    def pid_file(self) -> Path:
        return self.workdir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.workdir / f"{self.name}.log"

    def pid(self) -> int | None:
        """The pid of our running server, or None when it is not running."""
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid if self.signature.encode() in cmdline else None

    def start(self, timeout: float = 180.0) -> int:
        """Start the server unless it runs already; wait for its ready line. Returns the pid."""
        running = self.pid()
        if running is not None:
            return running
        check_listen_port(self.name, self.port)
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            offset = log.tell()
            proc = subprocess.Popen(  # noqa: S603 - argv is built by the project, not by input
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **dict(self.env)},
            )
        _children[proc.pid] = proc
        self.pid_file.write_text(str(proc.pid))
        self._wait_ready(proc, offset, timeout)
        return proc.pid

    def _wait_ready(self, proc: subprocess.Popen[bytes], offset: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._log_since(offset).find(self.ready_marker) >= 0:
                return
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise Unavailable(
                    f"{self.name} exited with code {proc.returncode} before it was ready; "
                    f"the end of {self.log_file}:\n{self._log_since(offset)[-2000:]}"
                )
            time.sleep(0.2)
        self.stop()
        raise Unavailable(f"{self.name} was not ready after {timeout:.0f}s; see {self.log_file}")

    def _log_since(self, offset: int) -> str:
        with self.log_file.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def stop(self, timeout: float = 90.0) -> bool:
        """Ask the server to stop and wait until it has exited. False if it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        # The store lock is only released once the process is gone, so wait for that.
        if not self._wait_exit(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            self._wait_exit(pid, 10.0)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        child = _children.get(pid)
        if child is not None:  # our own child: wait() also reaps it
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            del _children[pid]
            return True
        deadline = time.monotonic() + timeout
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.pid() is None

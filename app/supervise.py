"""`tiegraph up` keeps its children running: a worker or API that exits is started again after
a pause (1 s, doubling to 30 s; back to 1 s after a minute of running), and a local Neo4j or
Redis it started that dies is started again. Each restart is one line on stderr."""

import subprocess
import sys
import time
from dataclasses import dataclass, field

from rich.console import Console

from app.local.processes import ManagedProcess

FIRST_PAUSE, LONGEST_PAUSE, STEADY_SECONDS = 1.0, 30.0, 60.0
POLL_SECONDS = 0.5


@dataclass
class Child:
    """A tiegraph command run as a child process (`tiegraph worker`, `tiegraph serve`)."""

    name: str
    command: tuple[str, ...]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    pause: float = FIRST_PAUSE
    due_at: float = 0.0  # when it is (re)started

    def start(self) -> None:
        argv = [sys.executable, "-m", "app.cli", *self.command]
        self.process = subprocess.Popen(argv)  # noqa: S603 - our own command, fixed arguments
        self.started_at = time.monotonic()

    def check(self, console: Console) -> None:
        """Start it when it is due; notice when it has exited and plan its restart."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.due_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        if now - self.started_at > STEADY_SECONDS:
            self.pause = FIRST_PAUSE
        console.print(f"[yellow]{self.name} exited with code {code}; "
                      f"restarting it in {self.pause:.0f} s[/]")  # fmt: skip
        self.process, self.due_at = None, now + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE)

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Supervisor:
    """The children of `tiegraph up` and the local servers it started."""

    children: list[Child]
    services: list[ManagedProcess] = field(default_factory=list)

    def run(self, console: Console) -> None:
        """Keep everything running until Ctrl-C (KeyboardInterrupt) or SIGTERM."""
        while True:
            for service in self.services:
                if service.pid() is None:
                    console.print(f"[yellow]{service.name} is not running; starting it again[/]")
                    service.start()
            for child in self.children:
                child.check(console)
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        for child in self.children:
            child.stop()

"""The `tiegraph` command run in this process, as a shell would: argv and TIEGRAPH_* variables in,
exit code and output out. In process, so the CLI's lines count in the coverage report."""

import logging
import os
from dataclasses import dataclass

import pytest

# The one import of the CLI in the suite's CLI tests: the module is about to move to app/.
from app import cli
from tiegraph.settings import get_settings

CLI_MODULE = cli.__name__  # for `python -m` when a command must run in its own process


@dataclass(frozen=True)
class Run:
    """What one command did."""

    code: int
    out: str
    err: str


def set_env(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """Only these TIEGRAPH_* variables (named without the prefix), whatever the shell had, and
    the 80 columns rich gives output that goes to a pipe or a log file."""
    for name in [n for n in os.environ if n.startswith("TIEGRAPH_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "80")
    for name, value in variables.items():
        monkeypatch.setenv(f"TIEGRAPH_{name.upper()}", value)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """`tiegraph ARGV...` with the current environment; argparse's own exits become codes."""
    # A shell starts a new process each time; here the cached settings and the logging set up
    # for stderr (captured, and closed once the test ends) stand in for that process.
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's usage errors and --help
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        get_settings.cache_clear()
        root.handlers[:], root.level = handlers, level
    out, err = capsys.readouterr()
    return Run(code, out, err)

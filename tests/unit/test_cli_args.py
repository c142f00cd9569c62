"""`tiegraph` refusals that need no service: arguments, settings and servers it does not manage.
Each answer is an exit code and one line naming what is wrong, never a traceback."""

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tiegraph
from app import cli
from tests.clirun import Run, run_cli, set_env

COMMANDS = ("db", "redis", "schema", "serve", "worker", "ingest", "token", "backtest", "tune",
            "demo", "up")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_services(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing in this file may connect: addresses where nothing listens make sure of it.
    set_env(monkeypatch, neo4j_uri="bolt://127.0.0.1:9", redis_url="redis://127.0.0.1:9/0")


def one_line_error(run: Run) -> str:
    """The error line of a refused command (stdout stays empty for scripts)."""
    assert run.out == ""
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "--help")
    assert run.code == 0
    listed = run.out.split("positional arguments:")[1]
    assert [c for c in COMMANDS if f"\n    {c} " in listed] == list(COMMANDS)


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "--version")
    assert (run.code, run.out) == (0, f"tiegraph {tiegraph.__version__}\n")


def test_each_command_has_its_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in COMMANDS:
        run = run_cli(capsys, command, "--help")
        assert (run.code, run.out.split()[:2]) == (0, ["usage:", "tiegraph"]), command


def _undocumented(parser: argparse.ArgumentParser, path: str) -> Iterator[str]:
    """Every command and option under `parser` that has no help text, by its command path."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, command in action.choices.items():
                if not helps.get(name):
                    yield f"{path} {name}"
                yield from _undocumented(command, f"{path} {name}")
        elif not action.help:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}"


def test_every_command_and_option_has_help() -> None:
    assert list(_undocumented(cli.build_parser(), "tiegraph")) == []


def _modules_loaded(*argv: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded once `tiegraph ARGV` is done."""
    script = (
        "import sys\nfrom app import cli\ntry:\n    cli.main(sys.argv[1:])\n"
        "except SystemExit:\n    pass\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    return set(done.stdout.splitlines()[-1].split())  # the last line: below the command's own


# What `--help` and a bad argument must not wait for: each costs a noticeable share of a second.
HEAVY = {"pydantic", "pydantic_settings", "rich", "neo4j", "redis", "arq", "fastapi",
         "strawberry", "uvicorn", "numpy", "networkx", "graph", "ingest", "scoring"}  # fmt: skip


def test_help_and_version_load_no_heavy_package() -> None:
    for argv in (("--help",), ("--version",), ("token", "--help"), ("ingest", "--help")):
        assert _modules_loaded(*argv) & HEAVY == set(), argv


def test_a_token_command_loads_no_api_worker_or_ingestion_code() -> None:
    # Neo4j is down here (bolt://127.0.0.1:9): the command fails, after its imports.
    loaded = _modules_loaded("token", "list")
    assert {"neo4j", "graph"} <= loaded
    assert loaded & {"fastapi", "strawberry", "uvicorn", "arq", "ingest", "networkx"} == set()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        ((), "the following arguments are required: command"),
        (("launch",), "invalid choice: 'launch'"),
        (("db", "restart"), "invalid choice: 'restart'"),
        (("serve", "--port", "http"), "invalid int value: 'http'"),
        (("ingest",), "the following arguments are required: paths"),
        (("token",), "the following arguments are required: action"),
        (("token", "create", "--role", "admin"), "required: --member"),
        (("token", "create", "--member", "a@firm.test", "--role", "owner"),
         "invalid choice: 'owner' (choose from 'rep', 'manager', 'admin')"),
        (("token", "revoke"), "the following arguments are required: id"),
        (("backtest", "--every", "soon"), "'soon': a duration such as 90d or 12w"),
        (("backtest", "--horizon", "0d"), "'0d': must be more than 0 days"),
        (("tune", "--split", "later"), "'later': an ISO date such as 2010-01-01"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_usage(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], complaint: str
) -> None:
    run = run_cli(capsys, *argv)
    assert run.code == 2
    assert run.err.startswith("usage: tiegraph")
    assert complaint in run.err.splitlines()[-1]


def test_a_port_outside_1_to_65535_is_a_bad_argument(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "serve", "--port", "70000")
    assert run.code == 2
    assert "argument --port: 70000 is not a TCP port (1-65535)" in run.err


def test_queue_refuses_mapping_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_cli(capsys, "ingest", "--queue", "--columns", str(tmp_path / "c.json"), "x.csv")
    assert run.code == 2
    assert one_line_error(run) == "--crm-mapping/--columns apply to direct ingestion only for now."


def test_db_and_redis_leave_remote_servers_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_env(monkeypatch, neo4j_uri="neo4j+s://graph.example.com", redis_url="redis://cache:6379")
    for action in ("start", "stop", "status"):
        db = run_cli(capsys, "db", action)
        assert db.code == 2
        assert one_line_error(db) == (
            "TIEGRAPH_NEO4J_URI is neo4j+s://graph.example.com: not a local bolt:// server, "
            "so tiegraph does not manage it."
        )
        redis = run_cli(capsys, "redis", action)
        assert redis.code == 2
        assert one_line_error(redis) == (
            "TIEGRAPH_REDIS_URL is not local; tiegraph does not manage it."
        )


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("INGEST_BATCH_SIZE", "0", "TIEGRAPH_INGEST_BATCH_SIZE: Input should be greater than or "
                                   "equal to 1"),
        ("API_PORT", "eighty", "TIEGRAPH_API_PORT: Input should be a valid integer"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_named(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    complaint: str,
) -> None:
    monkeypatch.setenv(f"TIEGRAPH_{variable}", value)
    run = run_cli(capsys, "schema")
    assert run.code == 2
    assert one_line_error(run).startswith(f"error: invalid setting {complaint}")


def test_backtest_of_a_missing_file_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run = run_cli(capsys, "backtest", "--from", str(tmp_path / "gone.mbox"))
    assert run.code == 1
    assert one_line_error(run) == f"error: {tmp_path / 'gone.mbox'}: no such file or directory"


def test_backtest_of_the_graph_with_neo4j_down_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "backtest")
    assert run.code == 1
    assert "Neo4j" in one_line_error(run)

"""Every `tiegraph` command against the suite's real Neo4j and Redis: what it does when they
answer, and the one-line error and exit code when they do not or the input is wrong.

Commands run in this process (`tests.clirun`); only those that serve until stopped (`serve`, `up`)
get a process of their own. Redis database 9 keeps their jobs apart from the other tests'."""

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import LiteralString
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from neo4j import GraphDatabase

from tests.clirun import CLI_MODULE, Run, run_cli, set_env
from tests.conftest import free_port
from tests.rlists import FIRM, rlists_slice
from tiegraph.settings import Settings

CLI_REDIS_DB = 9
TOKEN = re.compile(r"^tg_[\w-]{43}$")


def _own_database(redis_url: str) -> str:
    return urlsplit(redis_url)._replace(path=f"/{CLI_REDIS_DB}").geturl()


@pytest.fixture
def cli_settings(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The suite's services in the environment, as a user's shell would have them."""
    own = settings.model_copy(update={"redis_url": _own_database(settings.redis_url),
                                      "data_dir": tmp_path / "data"})  # fmt: skip
    set_env(monkeypatch, neo4j_uri=own.neo4j_uri, redis_url=own.redis_url,
            neo4j_password=own.neo4j_password.get_secret_value(), firm_domains="firm.test",
            data_dir=str(own.data_dir))  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")  # tables keep a row on one line; errors never wrap
    yield own
    with redis.Redis.from_url(own.redis_url) as queue:
        queue.flushdb()  # no job of these tests is left for another test's worker


def _closed_port_uri(scheme: str = "bolt") -> str:
    return f"{scheme}://127.0.0.1:{free_port()}"


def _error(run: Run) -> str:
    """The single line a failed command prints (a traceback fails the test)."""
    assert run.code != 0, run
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: "), lines[0]
    return lines[0].removeprefix("error: ")


def _count(settings: Settings, cypher: str) -> int:
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        records, _, _ = driver.execute_query(cypher, database_=settings.neo4j_database)
        return int(records[0][0])


def _jsonl(path: Path, rows: list[dict[str, object]], *extra: str) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "".join(extra))
    return path


def _emails(count: int, prefix: str = "e") -> list[dict[str, object]]:
    return [{"id": f"{prefix}{i}", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z",
             "from": "ann@firm.test", "to": [f"c{i}@acme.com"]} for i in range(count)]  # fmt: skip


def _summary(run: Run) -> dict[str, str]:
    """The counts of the ingestion summary table, by label."""
    cells = (line.strip("│ ").split("│") for line in run.err.splitlines() if "│" in line)
    return {row[0].strip(): row[1].strip() for row in cells if len(row) == 2}


# --- schema -----------------------------------------------------------------------------------


def test_schema_applies_and_says_how_much(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings
) -> None:
    run = run_cli(capsys, "schema")
    assert run.code == 0
    assert re.fullmatch(r"Schema applied: \d+ constraints and indexes present\.\n", run.err)


def test_unreachable_neo4j_is_one_line_and_quick(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = _closed_port_uri()
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri)
    for argv in (["schema"], ["token", "list"], ["token", "revoke", "abc"], ["demo"],
                 ["token", "create", "--member", "a@firm.test", "--role", "rep"]):  # fmt: skip
        started = time.monotonic()
        run = run_cli(capsys, *argv)
        assert run.code == 1
        assert _error(run) == (
            f"cannot reach Neo4j at {uri} (TIEGRAPH_NEO4J_URI); `tiegraph db start` runs one here"
        )
        # The driver's retries would otherwise wait half a minute before giving up.
        assert time.monotonic() - started < 10, argv


def test_a_missing_database_is_named(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIEGRAPH_NEO4J_DATABASE", "nosuchdb")
    message = _error(run_cli(capsys, "schema"))
    assert message.startswith(f"Neo4j at {cli_settings.neo4j_uri} refused: ")
    assert "nosuchdb" in message


# --- token ------------------------------------------------------------------------------------


def test_token_create_list_revoke(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = run_cli(capsys, "token", "create", "--member", "Ann@Firm.test", "--role", "manager")
    assert created.code == 0
    assert TOKEN.match(created.out.strip()), "stdout carries the token alone, for scripts"
    assert created.err == "Token created; keep it now: only its hash is stored.\n"

    listed = run_cli(capsys, "token", "list")
    assert listed.code == 0
    row = [line for line in listed.out.splitlines() if "ann@firm.test" in line]
    assert len(row) == 1
    ident, role, member, _created, revoked = (cell.strip() for cell in row[0].split("│")[1:-1])
    assert (role, member, revoked) == ("manager", "ann@firm.test", "")
    assert created.out.strip() not in listed.out

    as_json = run_cli(capsys, "token", "list", "--json")
    assert as_json.code == 0
    assert [t for t in json.loads(as_json.out) if t["member"] == "ann@firm.test"] == [
        {"id": ident, "role": "manager", "member": "ann@firm.test", "created": _created,
         "revoked": None}
    ]  # fmt: skip

    revoked_run = run_cli(capsys, "token", "revoke", ident)
    assert (revoked_run.code, revoked_run.err) == (0, f"Token {ident} revoked.\n")
    again = run_cli(capsys, "token", "list").out
    assert re.search(rf"{ident} .* \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 │\n", again)


def test_token_list_in_a_narrow_pipe_keeps_whole_addresses(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = "someone.with.a.rather.long.name+ops@firm.test"
    assert run_cli(capsys, "token", "create", "--member", member, "--role", "rep").code == 0
    monkeypatch.setenv("COLUMNS", "60")
    listed = run_cli(capsys, "token", "list").out
    assert "someone.with.a.rather.long.name@firm.test" in listed, listed


def test_token_create_refuses_what_is_not_an_email(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings
) -> None:
    run = run_cli(capsys, "token", "create", "--member", "ann", "--role", "admin")
    assert _error(run) == "member: 'ann' is not an email address"
    assert run.code == 1


def test_revoking_an_unknown_token_says_so(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings
) -> None:
    assert _error(run_cli(capsys, "token", "revoke", "0123456789ab")) == (
        "no token with the id 0123456789ab"
    )
    # What the user typed is shown as typed, not read as rich markup (which raised on this).
    assert _error(run_cli(capsys, "token", "revoke", "[/b]")) == "no token with the id [/b]"


# --- ingest and demo --------------------------------------------------------------------------


def test_ingest_reads_files_and_reports(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "mail.jsonl", _emails(3))
    run = run_cli(capsys, "ingest", str(source))
    assert run.code == 0, run.err
    assert _summary(run) == {"read": "3", "ingested": "3", "duplicates": "0", "errors": "0"}
    assert _count(cli_settings, "MATCH (i:Interaction) RETURN count(i)") == 3
    again = run_cli(capsys, "ingest", str(source))
    assert (again.code, _summary(again)["duplicates"]) == (0, "3")


def test_reference_csvs_report_their_rows_and_progress_has_a_total(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path
) -> None:
    roster = tmp_path / "team.csv"
    roster.write_text("email,name,title,team,left_on\nann@firm.test,Ann Lee,VP Sales,East,\n"
                      "bob@firm.test,Bob Ray,,East,\n")  # fmt: skip
    mail = _jsonl(tmp_path / "mail.jsonl", _emails(3))
    run = run_cli(capsys, "ingest", str(roster), str(mail))
    assert run.code == 0, run.err
    assert _summary(run) == {"read": "5", "ingested": "3", "duplicates": "0", "errors": "0",
                             "reference rows": "2"}  # fmt: skip
    # The bar ends at the input's size in bytes, of a total known from the start.
    size = roster.stat().st_size + mail.stat().st_size
    assert re.search(rf"━+ {size}/{size} bytes ", run.err), run.err


def test_ingest_with_bad_lines_exits_1_naming_them(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path
) -> None:
    # The file name is shown as it is, brackets included (rich read "[draft]" as a style).
    source = _jsonl(tmp_path / "notes [draft].jsonl", _emails(2), "not json\n")
    missing = tmp_path / "gone.mbox"
    run = run_cli(capsys, "ingest", str(source), str(missing))
    assert run.code == 1
    summary = _summary(run)
    assert (summary["read"], summary["ingested"], summary["errors"]) == ("4", "2", "2")
    assert "notes [draft].jsonl:3: not valid JSON (Expecting value at column 1)" in run.err
    assert f"{missing}: no such file or directory" in run.err


def test_ingest_options_files_must_be_readable_json(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "mail.jsonl", _emails(1))
    missing = tmp_path / "mapping.json"
    assert _error(run_cli(capsys, "ingest", "--crm-mapping", str(missing), str(source))) == (
        f"{missing}: No such file or directory"
    )
    columns = tmp_path / "columns.json"
    columns.write_text("{'Email': 'email'}")
    assert _error(run_cli(capsys, "ingest", "--columns", str(columns), str(source))) == (
        f"{columns}: not valid JSON (Expecting property name enclosed in double quotes, "
        "line 1 column 2)"
    )
    columns.write_text('["Email"]')
    assert _error(run_cli(capsys, "ingest", "--columns", str(columns), str(source))) == (
        f'{columns}: expected {{"their column": "our column", ...}}'
    )
    mapping = tmp_path / "crm.json"
    mapping.write_text('{"external_id": 7}')
    message = _error(run_cli(capsys, "ingest", "--crm-mapping", str(mapping), str(source)))
    assert message.startswith(f"{mapping}: not a CRM column mapping: ")
    assert _count(cli_settings, "MATCH (i:Interaction) RETURN count(i)") == 0


def test_ingest_with_neo4j_down_fails_cleanly(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri := _closed_port_uri())
    source = _jsonl(tmp_path / "mail.jsonl", _emails(1))
    assert _error(run_cli(capsys, "ingest", str(source))).startswith(f"cannot reach Neo4j at {uri}")


def test_ingest_queue_refuses_missing_files_before_queueing(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path
) -> None:
    present = _jsonl(tmp_path / "mail.jsonl", _emails(1))
    run = run_cli(capsys, "ingest", "--queue", str(present), str(tmp_path / "typo.jsonl"))
    assert _error(run) == f"{tmp_path / 'typo.jsonl'}: no such file or directory"
    with redis.Redis.from_url(cli_settings.redis_url) as queue:
        assert queue.dbsize() == 0


def test_ingest_queue_with_redis_down_fails_at_once(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    port = free_port()
    monkeypatch.setenv("TIEGRAPH_REDIS_URL", f"redis://:hunter2@127.0.0.1:{port}/0")
    source = _jsonl(tmp_path / "mail.jsonl", _emails(1))
    started = time.monotonic()
    message = _error(run_cli(capsys, "ingest", "--queue", str(source)))
    assert message.startswith(f"cannot reach Redis at 127.0.0.1:{port} (TIEGRAPH_REDIS_URL): ")
    assert "hunter2" not in message
    assert time.monotonic() - started < 3  # not arq's five retries a second apart


def _write(settings: Settings, cypher: LiteralString) -> None:
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        driver.execute_query(cypher, database_=settings.neo4j_database)


def test_demo_loads_the_demo_firm(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(cli_settings, "MATCH (f:FirmSettings) DELETE f")  # a first run: no firm yet
    monkeypatch.delenv("TIEGRAPH_FIRM_DOMAINS")  # `demo` makes the demo's domain the firm's
    run = run_cli(capsys, "demo")
    assert run.code == 0, run.err
    summary = _summary(run)
    # 3,000 generated interactions, the moving champion's 122, and 90 reference rows (12 team
    # members, 8 accounts, 70 contacts: ingest/demo.py).
    assert (summary["read"], summary["errors"], summary["reference rows"]) == ("3212", "0", "90")
    assert re.search(r"━+ 3212/3212 ", run.err), run.err  # items of a known total
    members = "MATCH (m:TeamMember) WHERE m.email ENDS WITH '@northwind.example' RETURN count(m)"
    assert _count(cli_settings, members) > 0


# --- worker -----------------------------------------------------------------------------------


def test_worker_with_neo4j_down_fails_cleanly(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri := _closed_port_uri())
    run = run_cli(capsys, "worker")
    assert run.code == 1
    assert "Traceback" not in run.err
    *logged, last = run.err.strip().splitlines()
    assert last == (
        f"error: cannot reach Neo4j at {uri} (TIEGRAPH_NEO4J_URI); `tiegraph db start` runs one here"
    )
    # The worker logs as the API does: one JSON object per line.
    assert logged, run.err
    assert all({"time", "level", "logger", "message"} <= json.loads(line).keys() for line in logged)


# --- serve ------------------------------------------------------------------------------------


def test_serve_refuses_a_port_in_use(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert _error(run_cli(capsys, "serve", "--port", str(port))) == (
            f"cannot listen on 127.0.0.1:{port} (--host/--port, TIEGRAPH_API_HOST/_PORT): "
            "Address already in use"
        )


def test_serve_checks_neo4j_and_redis_first(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, redis_port, uri = str(free_port()), free_port(), _closed_port_uri()
    monkeypatch.setenv("TIEGRAPH_REDIS_URL", f"redis://127.0.0.1:{redis_port}")
    redis_down = _error(run_cli(capsys, "serve", "--port", port))
    assert redis_down.startswith(f"cannot reach Redis at 127.0.0.1:{redis_port}")
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri)
    both_down = _error(run_cli(capsys, "serve", "--port", port))
    assert both_down.startswith(f"cannot reach Neo4j at {uri}")


def _start(log: Path, *argv: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", CLI_MODULE, *argv],
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


def _wait_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no answer on {port}: {log.read_text()}")


def _interrupt(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)  # Ctrl-C
    try:
        return process.wait(60)
    finally:
        process.kill()


def test_serve_answers_until_ctrl_c(cli_settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    process = _start(log, "serve", "--host", "127.0.0.1", "--port", str(port))
    _wait_healthy(process, port, log)
    assert _interrupt(process) == 0  # uvicorn's orderly stop
    assert "Traceback" not in log.read_text()


# --- up ---------------------------------------------------------------------------------------


def test_up_runs_worker_and_api_on_the_running_services(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    token = run_cli(capsys, "token", "create", "--member", "a@firm.test", "--role", "admin").out
    monkeypatch.setenv("TIEGRAPH_API_PORT", str(port := free_port()))
    log = tmp_path / "up.log"
    process = _start(log, "up")
    try:
        _wait_healthy(process, port, log)
        queued = run_cli(capsys, "ingest", "--queue", str(_jsonl(tmp_path / "q.jsonl", _emails(5))))
        job = re.fullmatch(r"Queued as job (\w+); `tiegraph worker` runs it\.\n", queued.err)
        assert job is not None, queued.err
        status = _job_status(port, token.strip(), job[1])
        assert (status["status"], status["ingested"]) == ("complete", 5), status
    finally:
        code = _interrupt(process)
    output = log.read_text()
    assert code == 0, output
    assert "tiegraph is up." in output
    assert "Starting Neo4j" not in output  # both services answered already: nothing started
    assert "Traceback" not in output


def _job_status(port: int, token: str, job: str) -> dict[str, object]:
    headers = {"authorization": f"Bearer {token}"}
    for _ in range(300):
        answer = httpx.get(f"http://127.0.0.1:{port}/jobs/{job}", headers=headers, timeout=5)
        body: dict[str, object] = answer.json()
        if body.get("status") in {"complete", "failed"}:
            return body
        time.sleep(0.1)
    return body


def test_up_with_neo4j_down_stops_at_the_schema(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # neo4j:// is never started by `up` (not a local bolt:// server), so nothing is launched.
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri := _closed_port_uri("neo4j"))
    assert _error(run_cli(capsys, "up")).startswith(f"cannot reach Neo4j at {uri}")


# --- db and redis -----------------------------------------------------------------------------


def test_db_status_and_stop_without_a_server(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIEGRAPH_NEO4J_URI", uri := _closed_port_uri())
    status = run_cli(capsys, "db", "status")
    assert (status.code, status.err) == (3, f"Neo4j not running: nothing answers at {uri}\n")
    stop = run_cli(capsys, "db", "stop")
    assert (stop.code, stop.err) == (0, "Neo4j was not running.\n")


def test_status_from_another_folder_says_what_answers(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The services answer, but this data directory did not start them: running, not "not
    running" beside "answers: True"."""
    if not cli_settings.neo4j_is_local:
        pytest.skip("the suite's Neo4j is not a local bolt:// server")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIEGRAPH_DATA_DIR")  # the default, ./.tiegraph, of another folder
    elsewhere = f"{tmp_path / '.tiegraph'} (TIEGRAPH_DATA_DIR)"
    neo4j = run_cli(capsys, "db", "status")
    assert (neo4j.code, neo4j.err) == (0, f"Neo4j answers at {cli_settings.neo4j_uri}, but was "
                                          f"not started from {elsewhere}: another data "
                                          "directory's, or a server tiegraph does not manage\n")  # fmt: skip
    redis_status = run_cli(capsys, "redis", "status")
    assert redis_status.code == 0
    assert redis_status.err.startswith("Redis answers at 127.0.0.1:"), redis_status.err
    assert "not running" not in neo4j.err + redis_status.err


def test_db_start_uses_a_neo4j_that_already_answers(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not cli_settings.neo4j_is_local:
        pytest.skip("the suite's Neo4j is not a local bolt:// server")
    monkeypatch.setenv("TIEGRAPH_NEO4J_HEAP", "256m")  # were one started anyway, keep it small
    run = run_cli(capsys, "db", "start")
    assert (run.code, run.err) == (
        0, f"A Neo4j already answers at {cli_settings.neo4j_uri}; using it.\n"
    )  # fmt: skip


def test_redis_start_status_stop(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("TIEGRAPH_REDIS_URL", url)
    address = url.removeprefix("redis://").removesuffix("/0")
    assert run_cli(capsys, "redis", "status") == Run(
        3, "", f"Redis not running: nothing answers at {address}\n"
    )
    started = run_cli(capsys, "redis", "start")
    try:
        assert started.code == 0
        pid = re.fullmatch(rf"Redis is up at {url} \(pid (\d+)\)\n", started.err)
        assert pid is not None, started.err
        folder = f"{cli_settings.data_dir.resolve()} (TIEGRAPH_DATA_DIR)"
        assert run_cli(capsys, "redis", "status") == Run(
            0, "", f"Redis running (pid {pid[1]}, files in {folder}), answering at {address}\n"
        )
        assert run_cli(capsys, "redis", "start").code == 0  # already ours: nothing new
    finally:
        stopped = run_cli(capsys, "redis", "stop")
    assert stopped == Run(0, "", "Redis stopped.\n")
    assert run_cli(capsys, "redis", "stop") == Run(0, "", "Redis was not running.\n")


def test_redis_start_uses_a_redis_that_already_answers(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings
) -> None:
    if urlsplit(cli_settings.redis_url).hostname not in {"127.0.0.1", "localhost"}:
        pytest.skip("the suite's Redis is not on this machine")
    assert run_cli(capsys, "redis", "start") == Run(
        0, "", f"A Redis already answers at {cli_settings.redis_shown}; using it.\n"
    )


# --- backtest and tune ------------------------------------------------------------------------


@pytest.fixture
def rlists_firm(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The rlists helpers are the firm: set up in the graph, and in the environment as a
    user's shell would have it."""
    monkeypatch.setenv("TIEGRAPH_FIRM_DOMAINS", FIRM)
    assert run_cli(capsys, "init", "--change", "--firm-domain", FIRM).code == 0
    return FIRM


def test_backtest_of_the_graph_equals_a_backtest_of_the_files(
    capsys: pytest.CaptureFixture[str], rlists_firm: str, tmp_path: Path
) -> None:
    mail = rlists_slice(tmp_path, 1_000)
    assert run_cli(capsys, "ingest", str(mail)).code == 0
    stored, files = tmp_path / "graph.json", tmp_path / "files.json"
    assert run_cli(capsys, "backtest", "--every", "30d", "--json", str(stored)).code == 0
    run = run_cli(capsys, "backtest", "--every", "30d", "--from", str(mail), "--json", str(files))
    assert run.code == 0, run.err
    assert json.loads(stored.read_text())["all"] == json.loads(files.read_text())["all"]


def test_tune_apply_saves_the_profile_and_queues_a_rescore(
    capsys: pytest.CaptureFixture[str], cli_settings: Settings, rlists_firm: str, tmp_path: Path
) -> None:
    mail = rlists_slice(tmp_path, 2_000)
    run = run_cli(capsys, "tune", "--from", str(mail), "--every", "4w", "--horizon", "30d",
                  "--split", "2004-07-01", "--budget", "8", "--apply")  # fmt: skip
    assert run.code == 0, run.err
    changes = json.loads(run.out[run.out.index("{") :])["proposed_changes"]
    assert changes, "the slice's fit moved no knob"
    assert "rescore queued as job" in run.err
    assert _count(cli_settings, "MATCH (p:ScoringProfile) RETURN count(p)") == 1

"""Database errors a request can meet map to codes, never INTERNAL.

The errors are built as the driver builds them from a server's failure message."""

from neo4j.exceptions import Neo4jError

from app.errors import as_domain_error


def _server_error(code: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message="from the server")


def test_running_out_of_transaction_memory_is_limit() -> None:
    # What accountHealth on a big account met: Neo4j's transaction memory pool ran out.
    for code in ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                 "Neo.TransientError.General.TransactionOutOfMemoryError"):  # fmt: skip
        found = as_domain_error(_server_error(code))
        assert found is not None, code
        assert found.code == "LIMIT"
        assert "more memory" in str(found)


def test_a_transient_error_is_unavailable_and_a_bug_stays_internal() -> None:
    deadlock = as_domain_error(_server_error("Neo.TransientError.Transaction.DeadlockDetected"))
    assert deadlock is not None
    assert deadlock.code == "UNAVAILABLE"
    assert as_domain_error(_server_error("Neo.ClientError.Statement.SyntaxError")) is None

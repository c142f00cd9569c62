"""Why a local server must not listen on an ephemeral port: after a crash, a client that keeps
reconnecting can be handed that very port as its own end and connect to itself; once it closes,
the port sits in TIME_WAIT and the restarted server fails with "address already in use"."""

import socket
import time

import pytest

from app.local.system import check_listen_port, ephemeral_ports, free_port
from tiegraph.errors import BadInput


def _free_even_ephemeral_port() -> int:
    # Linux gives connect() even ports first, so an even one is found by the loop below.
    ephemeral = ephemeral_ports()
    return free_port(range(ephemeral.start + ephemeral.start % 2, ephemeral.stop, 2))


def test_a_client_reconnecting_to_a_dead_ephemeral_port_can_take_it() -> None:
    port = _free_even_ephemeral_port()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # a driver's reconnect loop while the server is down
        client = socket.socket()
        try:
            client.connect(("127.0.0.1", port))
        except OSError:
            client.close()
            continue
        assert client.getsockname()[1] == port  # connected to itself
        client.close()  # its end now waits in TIME_WAIT on the server's port
        break
    else:
        pytest.fail("no self-connection in 60 s")
    server = socket.socket(socket.AF_INET6)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Neo4j's Bolt binds
    with server, pytest.raises(OSError, match="Address already in use"):
        server.bind(("::ffff:127.0.0.1", port))


def test_servers_are_refused_an_ephemeral_port_and_tests_never_pick_one() -> None:
    ephemeral = ephemeral_ports()
    with pytest.raises(BadInput, match=f"neo4j port {ephemeral.start} is in this machine's "):
        check_listen_port("neo4j", ephemeral.start)
    check_listen_port("neo4j", 7687)
    assert all(free_port() not in ephemeral for _ in range(20))

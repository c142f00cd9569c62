"""schemathesis against the running API (REST OpenAPI and the GraphQL schema): no 500s.

A real uvicorn server on a free port; schemathesis' synchronous client runs in a thread so the
server keeps serving on the test's event loop. Few examples per operation keep it quick."""

import asyncio
from typing import Any

import schemathesis
from graphql import IntValueNode, NameNode, ObjectFieldNode, ObjectValueNode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph.repository import GraphRepository
from tests.integration.conftest import token_for
from tiegraph.access import Role

EXAMPLES = 8
# The JSON scalar (scoring profile changes) as GraphQL literals: an empty or one-field object.
schemathesis.graphql.scalar("JSON", st.sampled_from([
    ObjectValueNode(fields=()),
    ObjectValueNode(fields=(ObjectFieldNode(name=NameNode(value="bulk_recipients"),
                                            value=IntValueNode(value="-3")),)),
]))  # fmt: skip


def _no_server_errors(schema: Any, headers: dict[str, str]) -> int:
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text)
            # GraphQL answers 200 even for a bug: its 500 is an error with code INTERNAL.
            assert '"INTERNAL"' not in response.text, (case.body, response.text)

        run()
        checked += 1
    return checked


def _fuzz(server: str, headers: dict[str, str]) -> tuple[int, int]:
    rest = schemathesis.openapi.from_url(f"{server}/openapi.json")
    graphql = schemathesis.graphql.from_url(f"{server}/graphql", headers=headers)
    return _no_server_errors(rest, headers), _no_server_errors(graphql, headers)


async def test_rest_and_graphql_never_answer_500(server: str, repo: GraphRepository) -> None:
    headers = {"authorization": f"Bearer {await token_for(repo, Role.ADMIN, 'fuzz@firm.test')}"}
    # Loading and calling block: off the event loop, which serves the requests meanwhile.
    rest_operations, graphql_operations = await asyncio.to_thread(_fuzz, server, headers)
    assert rest_operations >= 5
    assert graphql_operations >= 10

"""The FastAPI application: one driver per process, GraphQL at /graphql."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from arq import create_pool
from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from app import rest
from app.errors import install_error_handlers
from app.graphql.context import Context
from app.graphql.schema import schema
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from ingest.worker import redis_settings
from tiegraph.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API, bound to `settings` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = create_driver(settings)
        await driver.verify_connectivity()
        await apply_schema(driver, settings.neo4j_database)
        app.state.settings = settings
        app.state.repo = GraphRepository(driver, settings.neo4j_database)
        app.state.queue = await create_pool(redis_settings(settings))
        try:
            yield
        finally:
            await app.state.queue.aclose()
            await driver.close()

    async def context_getter(request: Request) -> Context:
        state = request.app.state
        return Context(repo=state.repo, settings=settings, queue=state.queue)

    app = FastAPI(title="tiegraph", version="0.1.0", lifespan=lifespan)
    app.include_router(GraphQLRouter(schema, context_getter=context_getter), prefix="/graphql")
    app.include_router(rest.router)
    install_error_handlers(app)

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    return app

"""Per-request GraphQL context: the shared repository and settings, the caller, and the
request's DataLoaders (created per request: a module-level loader would cache forever)."""

from dataclasses import dataclass, field

from arq.connections import ArqRedis
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph import insights
from graph.insights import ContactView
from graph.models import ContactPageKey
from graph.repository import GraphRepository
from graph.tokens import authenticate
from tiegraph.access import Viewer
from tiegraph.settings import Settings


@dataclass
class Context(BaseContext):
    """What every resolver can reach."""

    repo: GraphRepository
    settings: Settings
    queue: ArqRedis
    token: str | None = None
    viewer: Viewer | None = None  # set by app.auth once the token is checked
    contact_pages: DataLoader[ContactPageKey, tuple[ContactView, ...]] = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()

        async def load(keys: list[ContactPageKey]) -> list[tuple[ContactView, ...]]:
            return await insights.contact_pages(self.repo, keys)

        self.contact_pages = DataLoader(load_fn=load)

    async def authenticated(self) -> Viewer:
        """The caller, checked once per request; Unauthenticated without a valid token."""
        if self.viewer is None:
            self.viewer = await authenticate(self.repo, self.token)
        return self.viewer

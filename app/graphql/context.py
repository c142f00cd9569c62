"""Per-request GraphQL context: the shared repository and settings, the caller, and the
request's DataLoaders (created per request: a module-level loader would cache forever)."""

import asyncio
from dataclasses import dataclass, field

from arq.connections import ArqRedis
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph import health, insights
from graph.insights import ContactView
from graph.models import ContactPageKey
from graph.repository import GraphRepository
from graph.tokens import authenticate
from scoring.account_health import AccountHealth
from tiegraph.access import Viewer
from tiegraph.firm import FirmSettings, agreed_domains
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
    # Account.health for every account of an answer, read concurrently (one read each).
    account_health: DataLoader[str, AccountHealth] = field(init=False)
    _checking: "asyncio.Future[Viewer] | None" = field(init=False, default=None)
    _hiding: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        super().__init__()
        if self.token and self.viewer is None:
            # The token's lookup starts now and runs while the operation is parsed and
            # validated; nothing is resolved before `authenticated` has its answer.
            self._checking = asyncio.ensure_future(authenticate(self.repo, self.token))
            # An operation that fails before any field never asks: its answer is dropped.
            self._checking.add_done_callback(lambda done: done.cancelled() or done.exception())

        async def load(keys: list[ContactPageKey]) -> list[tuple[ContactView, ...]]:
            return await insights.contact_pages(self.repo, keys)

        self.contact_pages = DataLoader(load_fn=load)

        async def load_health(domains: list[str]) -> list[AccountHealth]:
            reads = (health.account_health(self.repo, domain) for domain in domains)
            return list(await asyncio.gather(*reads))

        self.account_health = DataLoader(load_fn=load_health)

    def hide(self, members: frozenset[str]) -> None:
        """Leave the ties of `members` out of every read of this request (app/auth.py decides
        who, once the caller is known)."""
        if not self._hiding:
            self.repo, self._hiding = self.repo.hiding(members), True

    async def firm_domains(self) -> tuple[str, ...]:
        """The firm's domains as stored in the graph, read with the caller's token
        (SetupRequired before `tiegraph init`)."""
        stored = FirmSettings(domains=(await self.authenticated()).firm_domains)
        return agreed_domains(stored, self.settings.firm_domains)

    async def authenticated(self) -> Viewer:
        """The caller, checked once per request; Unauthenticated without a valid token."""
        if self.viewer is None:
            checking = self._checking or authenticate(self.repo, self.token)
            self.viewer = await checking
        return self.viewer

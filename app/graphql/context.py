"""Per-request GraphQL context: the shared repository and settings, nothing per-process."""

from dataclasses import dataclass

from arq.connections import ArqRedis
from strawberry.fastapi import BaseContext

from graph.repository import GraphRepository
from tiegraph.settings import Settings


@dataclass
class Context(BaseContext):
    """What every resolver can reach."""

    repo: GraphRepository
    settings: Settings
    queue: ArqRedis

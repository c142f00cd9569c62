"""Relay-style connections: `first`/`after` in, edges with opaque cursors and pageInfo out.

Cursors encode the sort key of the last item (a domain, an email), so a page never shifts when
items are added before it. `first` above `TIEGRAPH_MAX_PAGE_SIZE` is a LIMIT error.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from tiegraph.errors import BadInput, LimitExceeded

T = TypeVar("T")
D = TypeVar("D")
CURSOR_PREFIX = "k:"


@strawberry.type(description="Where a page ends and whether there is more.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="One item of a page and the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of items; pass pageInfo.endCursor as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def encode_cursor(key: str) -> str:
    """An opaque cursor for the item with sort key `key`."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    """The sort key a cursor stands for; BadInput for anything this API did not hand out."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(CURSOR_PREFIX):
        raise BadInput("not a cursor from this API", location="after")
    return text.removeprefix(CURSOR_PREFIX)


def checked_first(first: int, max_page_size: int) -> int:
    """`first` when it is a page size this API serves: BadInput below 1, LIMIT above the
    configured maximum (TIEGRAPH_MAX_PAGE_SIZE). Every list query's `first` comes through here."""
    if first < 1:
        raise BadInput("must be at least 1", location="first")
    if first > max_page_size:
        raise LimitExceeded(f"first: at most {max_page_size} items per page")
    return first


def page_window(first: int, after: str | None, max_page_size: int) -> tuple[str, int]:
    """The sort key to start after ("" for the start) and the checked page size."""
    size = checked_first(first, max_page_size)
    return ("" if after is None else decode_cursor(after)), size


def connection(
    items: Sequence[D], first: int, key: Callable[[D], str], wrap: Callable[[D], T]
) -> Connection[T]:
    """A connection from up to `first + 1` items (one more than asked says there is a next page)."""
    page = list(items[:first])
    edges = [Edge(cursor=encode_cursor(key(item)), node=wrap(item)) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > first, end_cursor=edges[-1].cursor if edges else None
        ),
    )

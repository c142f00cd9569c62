"""A cache of parsed GraphQL documents, shared by every operation of the process.

A client sends the same few documents over and over with new variables, and parsing one is a
measurable part of a small query's time (docs/benchmarks.md, "whoKnows: HTTP against the bare
driver"). strawberry's own ParserCache parses inside its hook, where a syntax error or the
token limit's error escapes strawberry's error handling (and so app.errors' codes). This cache
holds only documents that parsed: a miss leaves the parse to strawberry, in its usual place,
with its usual errors, and a document that failed is parsed (and fails) again next time. The
same text under the same token limit always parses the same way, so a hit is exact.
"""

from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

# Distinct documents kept: a client's whole set fits; unique texts cannot grow memory past it.
MAX_DOCUMENTS = 256
# Documents longer than this are parsed each time: they are rare and would crowd the cache.
MAX_CACHED_CHARS = 20_000


class DocumentCache:
    """The documents that parsed, least recently used first out."""

    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self._size = size
        self._documents: OrderedDict[tuple[str, int | None], DocumentNode] = OrderedDict()

    def get(self, key: tuple[str, int | None]) -> DocumentNode | None:
        """The document parsed from this text and token limit, if kept."""
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    def put(self, key: tuple[str, int | None], document: DocumentNode) -> None:
        """Keep a document that parsed."""
        self._documents[key] = document
        self._documents.move_to_end(key)
        while len(self._documents) > self._size:
            self._documents.popitem(last=False)


class ParsedDocuments(SchemaExtension):
    """Hands strawberry a document parsed before from the same text (see the module)."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        """A kept document before strawberry parses; the new one kept after it parsed."""
        context = self.execution_context
        text = context.query
        key = (text or "", context.parse_options.get("max_tokens"))
        cacheable = text is not None and len(text) <= MAX_CACHED_CHARS
        if cacheable and context.graphql_document is None:
            context.graphql_document = self.cache.get(key)
        yield
        if cacheable and context.graphql_document is not None:
            self.cache.put(key, context.graphql_document)

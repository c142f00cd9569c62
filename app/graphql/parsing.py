"""A cache of parsed GraphQL documents, shared by every operation of the process.

A client sends the same few documents over and over with new variables, and parsing one is a
measurable part of a small query's time (docs/benchmarks.md, "whoKnows: HTTP against the bare
driver"). strawberry's own ParserCache parses inside its hook, where a syntax error or the
token limit's error escapes strawberry's error handling (and so app.errors' codes). This cache
holds only documents that parsed: a miss leaves the parse to strawberry, in its usual place,
with its usual errors, and a document that failed is parsed (and fails) again next time. The
same text under the same token limit always parses the same way, so a hit is exact.
"""

from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

from app.recent import Recent

# Distinct documents kept: a client's whole set fits; unique texts cannot grow memory past it.
MAX_DOCUMENTS = 256
# Documents longer than this are parsed each time: they are rare and would crowd the cache.
MAX_CACHED_CHARS = 20_000


# A parsed document by its text and the token limit it was parsed under.
DocumentCache = Recent[tuple[str, int | None], DocumentNode]


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

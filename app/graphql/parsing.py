"""Documents a client sent before, kept parsed and validated, shared by every operation of the
process; and the token limit every parse runs under.

A client sends the same few documents over and over with new variables, and parsing and
validating one are a measurable part of a small query's time (docs/benchmarks.md, "whoKnows:
HTTP against the bare driver"). strawberry's own ParserCache parses inside its hook, where a
syntax error or the token limit's error escapes strawberry's error handling (and so
app.errors' codes). This cache holds only documents that parsed: a miss leaves the parse to
strawberry, in its usual place, with its usual errors, and a document that failed is parsed
(and fails) again next time. The same text under the same token limit always parses the same
way, so a hit is exact.

A kept document also keeps what validating it gave, errors included (the depth and alias
limits are validation rules): validation depends only on the document, the schema and the
rules, all three fixed for the cache's life (one cache per schema, its rules given once). The
key is the kept entry itself, found with the text, so nothing is hashed or compared beyond the
text's own look-up (strawberry's ValidationCache hashes the whole syntax tree each time).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from app.recent import Recent

# Distinct documents kept: a client's whole set fits; unique texts cannot grow memory past it.
MAX_DOCUMENTS = 256
# Documents longer than this are parsed each time: they are rare and would crowd the cache.
MAX_CACHED_CHARS = 20_000


@dataclass
class Kept:
    """A document that parsed, and its validation's errors once it was validated (an empty
    list: valid; None: not validated yet)."""

    document: DocumentNode
    errors: list[GraphQLError] | None = None


# A parsed document by its text and the token limit it was parsed under.
DocumentCache = Recent[tuple[str, int], Kept]


class KeptDocuments(SchemaExtension):
    """Parses under the token limit and validates under the limit rules, handing strawberry a
    document parsed and validated before from the same text (see the module)."""

    def __init__(
        self, cache: DocumentCache, max_tokens: int, rules: Sequence[type[ASTValidationRule]]
    ) -> None:
        self.cache, self.max_tokens, self.rules = cache, max_tokens, tuple(rules)
        self.kept: Kept | None = None

    def on_parse(self) -> Iterator[None]:
        """A kept document before strawberry parses; the new one kept after it parsed."""
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        text = context.query
        key = (text or "", self.max_tokens)
        cacheable = text is not None and len(text) <= MAX_CACHED_CHARS
        if cacheable and context.graphql_document is None:
            self.kept = self.cache.get(key)
            if self.kept is not None:
                context.graphql_document = self.kept.document
        yield
        if cacheable and self.kept is None and context.graphql_document is not None:
            self.kept = Kept(context.graphql_document)
            self.cache.put(key, self.kept)

    def on_validate(self) -> Iterator[None]:
        """The kept validation's errors, or a new validation (kept with its document)."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None:  # always, past a parse; strawberry's own check otherwise
            # A list of its own: what an extension does to the operation's errors stays there.
            context.pre_execution_errors = list(self._validated(document))
        yield

    def _validated(self, document: DocumentNode) -> list[GraphQLError]:
        kept = self.kept if self.kept is not None and self.kept.document is document else None
        if kept is not None and kept.errors is not None:
            return kept.errors
        rules = (*self.execution_context.validation_rules, *self.rules)
        errors = validate_document(self.execution_context.schema._schema, document, rules)
        if kept is not None:
            kept.errors = errors
        return errors

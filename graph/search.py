"""Search as you type: people (members and contacts) and accounts by name, address or domain.

Both come from Neo4j full-text indexes (cypher/schema/12_person_search, 13_account_search). The
typed text becomes a Lucene query here: every word must match the start of some word of a
name, an address or a domain, so "ada mo" finds Ada Moss and "acme" finds acme.example.
"""

import re

from graph.models import SearchHit
from graph.repository import GraphRepository
from tiegraph.errors import BadInput

# Lucene's query syntax characters: escaped, so typed text is only ever words to look for.
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
# "@" and spaces split what is typed into words, as the analyzer splits addresses.
_SEPARATORS = re.compile(r"[\s@,;<>]+")
_ESCAPED = r"\\\1"
MAX_TEXT = 200


def lucene_query(text: str) -> str | None:
    """The full-text query for typed `text` (None when it has no word to look for).

    >>> lucene_query('ada mo')
    'ada* AND mo*'
    >>> lucene_query('ann@acme.example')
    'ann* AND acme.example*'
    >>> lucene_query('  ') is None
    True
    """
    words = [w for w in _SEPARATORS.split(text.strip().lower()) if w]
    if not words:
        return None
    return " AND ".join(_SPECIAL.sub(_ESCAPED, w) + "*" for w in words)


async def search(repo: GraphRepository, text: str, first: int) -> list[SearchHit]:
    """The best `first` matches for `text`, best first (empty for text without words)."""
    if len(text) > MAX_TEXT:
        raise BadInput(f"at most {MAX_TEXT} characters", location="text")
    query = lucene_query(text)
    return [] if query is None else await repo.search(query, first)

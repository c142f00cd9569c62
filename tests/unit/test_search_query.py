"""Typed search text becomes a Lucene query of escaped word prefixes, never query syntax."""

import pytest

from graph.search import lucene_query


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("ada mo", "ada* AND mo*"),
        ("Ann@Acme.example", "ann* AND acme.example*"),
        ('joe" OR *', 'joe\\"* AND or* AND \\**'),
        ("name:joe (x)", "name\\:joe* AND \\(x\\)*"),
        ("a/b\\", "a\\/b\\\\*"),
        ("  ", None),
        ("@ ,;", None),
    ],
)
def test_words_become_escaped_prefixes(text: str, query: str | None) -> None:
    assert lucene_query(text) == query

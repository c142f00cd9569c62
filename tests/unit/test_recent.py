"""The bounded memories of a process (parsed documents, viewers): at most their size, least
recently used out."""

from graphql import parse

from app.graphql.parsing import DocumentCache, Kept


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = DocumentCache(size=2)
    first, second, third = (((f"{{ {n} }}", 10), Kept(parse(f"{{ {n} }}"))) for n in "abc")
    cache.put(*first)
    cache.put(*second)
    assert cache.get(first[0]) is first[1]  # now the most recently used
    cache.put(*third)
    assert cache.get(second[0]) is None
    assert cache.get(first[0]) is first[1]
    assert cache.get(third[0]) is third[1]


def test_a_text_under_another_token_limit_is_another_entry() -> None:
    cache = DocumentCache(10)
    cache.put(("{ a }", 10), Kept(parse("{ a }")))
    assert cache.get(("{ a }", 2)) is None

"""How many accounts the single-thread scan reads next (graph.threads.next_batch)."""

from graph.threads import SCAN_BATCH, SCAN_FIRST_BATCH, SCAN_MARGIN, next_batch


def test_sized_from_the_share_found_so_far_with_a_margin() -> None:
    # 55 accounts gave 3 single threads; 8 more wanted: 8 * 55 / 3 = 146.7 at that share.
    assert next_batch(55, read=55, found=3, missing=8) == 220
    assert SCAN_MARGIN == 1.5


def test_doubles_while_nothing_was_found() -> None:
    assert next_batch(55, read=55, found=0, missing=11) == 110
    assert next_batch(800, read=1500, found=0, missing=11) == SCAN_BATCH


def test_stays_within_the_bounds() -> None:
    assert next_batch(55, read=55, found=10, missing=1) == SCAN_FIRST_BATCH
    assert next_batch(55, read=500, found=1, missing=10) == SCAN_BATCH

"""Groups by size: what the parser, a rebuild and the store hold at once."""

from __future__ import annotations

from trucewatch.groups import by_size, chunks


def test_groups_keep_order_stay_under_the_limit_and_put_a_heavy_item_alone() -> None:
    words = ["aa", "bbb", "c", "dddddddddd", "ee", "f", "gggg"]
    groups = list(by_size(words, len, 5))
    assert [w for g in groups for w in g] == words
    assert groups == [["aa", "bbb"], ["c"], ["dddddddddd"], ["ee", "f"], ["gggg"]]
    assert all(sum(map(len, g)) <= 5 for g in groups if len(g) > 1)


def test_weightless_items_join_the_group_they_follow_and_nothing_gives_no_group() -> None:
    assert list(by_size([3, 0, 0, 2, 0], lambda n: n, 3)) == [[3, 0, 0], [2, 0]]
    assert list(by_size([], len, 10)) == []
    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]

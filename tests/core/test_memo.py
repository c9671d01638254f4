"""The worker's memory of costly results (velferdslab/memo.py): a result is made once per key,
and a result for newer data takes the place of the older one instead of sitting beside it."""

from __future__ import annotations

from velferdslab.memo import Memo


def test_a_result_is_made_once_per_key_and_the_least_recent_goes_first() -> None:
    memo: Memo[str] = Memo(2)
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert memo.get_or_make("a", lambda: make("a")) == "A"
    assert memo.get_or_make("a", lambda: make("a")) == "A"
    memo.get_or_make("b", lambda: make("b"))
    memo.get_or_make("a", lambda: make("a"))  # a is now the most recent
    memo.get_or_make("c", lambda: make("c"))  # b goes
    memo.get_or_make("a", lambda: make("a"))
    memo.get_or_make("b", lambda: make("b"))
    assert made == ["a", "b", "c", "b"]


def test_a_newer_version_takes_the_older_ones_place() -> None:
    memo: Memo[str] = Memo(128)
    for version in range(5):
        memo.get_or_make((version, "oslo"), lambda: "figures", supersedes="oslo")
        memo.get_or_make((version, "asker"), lambda: "figures", supersedes="asker")
    assert len(memo) == 2  # one per municipality, not ten
    memo.get_or_make((4, "oslo"), lambda: "again", supersedes="oslo")  # the kept one
    assert memo.get_or_make((4, "oslo"), lambda: "never") == "figures"
    memo.get_or_make("other", lambda: "x")  # no supersedes: kept beside them
    assert len(memo) == 3

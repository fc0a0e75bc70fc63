"""Group commit's queue: what a person would notice is order, an answer each, and no waiting when idle."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.batching import Batcher


class Recorder:
    """A runner that records each batch it gets and answers each item with its text upper-cased."""

    def __init__(self, *, pause: float = 0.0, fail: str | None = None, crash: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.pause = pause
        self.fail = fail
        self.crash = crash

    async def __call__(self, items: Sequence[tuple[str, str]]) -> list[str | BaseException]:
        self.batches.append([text for _, text in items])
        await asyncio.sleep(self.pause)
        if self.crash:
            raise RuntimeError("runner broke")
        return [ValueError(text) if text == self.fail else text.upper() for _, text in items]


def person(item: tuple[str, str]) -> str:
    return item[0]


async def test_an_idle_batcher_starts_at_once_alone() -> None:
    run = Recorder()
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=32, key=person)
    assert await batcher.submit(("anna", "sveiki")) == "SVEIKI"
    assert await batcher.submit(("boris", "privet")) == "PRIVET"
    assert run.batches == [["sveiki"], ["privet"]]


async def test_what_arrives_during_a_batch_goes_together_in_the_next() -> None:
    run = Recorder(pause=0.05)
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=32, key=person)
    first = asyncio.ensure_future(batcher.submit(("p0", "first")))
    await asyncio.sleep(0.01)  # the first batch is running
    rest = [asyncio.ensure_future(batcher.submit((f"p{i}", f"m{i}"))) for i in range(1, 11)]
    answers = await asyncio.gather(first, *rest)
    assert answers == ["FIRST", *(f"M{i}" for i in range(1, 11))]
    assert run.batches == [["first"], [f"m{i}" for i in range(1, 11)]]  # 2 batches, 11 items


async def test_a_second_message_of_the_same_person_waits_for_the_next_batch() -> None:
    run = Recorder()
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=32, key=person)
    items = [("anna", "one"), ("boris", "x"), ("anna", "two"), ("clara", "y"), ("anna", "three")]
    answers = await asyncio.gather(*(batcher.submit(item) for item in items))
    assert answers == ["ONE", "X", "TWO", "Y", "THREE"]
    # first in, first out: the batch ends where the same person comes again
    assert run.batches == [["one", "x"], ["two", "y"], ["three"]]


async def test_batches_are_no_larger_than_allowed() -> None:
    run = Recorder()
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=4, key=person)
    await asyncio.gather(*(batcher.submit((f"p{i}", f"m{i}")) for i in range(10)))
    assert [len(batch) for batch in run.batches] == [4, 4, 2]


async def test_each_caller_gets_its_own_failure_and_the_others_their_answers() -> None:
    batcher: Batcher[tuple[str, str], str] = Batcher(Recorder(fail="bad"), max_size=8, key=person)
    good, bad = await asyncio.gather(
        batcher.submit(("anna", "good")), batcher.submit(("boris", "bad")), return_exceptions=True
    )
    assert good == "GOOD" and isinstance(bad, ValueError)


async def test_a_runner_that_breaks_fails_its_batch_and_the_next_batch_still_runs() -> None:
    run = Recorder(crash=True)
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=8, key=person)
    outcomes = await asyncio.gather(
        batcher.submit(("anna", "a")), batcher.submit(("boris", "b")), return_exceptions=True
    )
    assert all(isinstance(outcome, RuntimeError) for outcome in outcomes)
    run.crash = False
    assert await batcher.submit(("clara", "c")) == "C"


async def test_a_caller_that_goes_away_does_not_cancel_the_batch() -> None:
    run = Recorder(pause=0.05)
    batcher: Batcher[tuple[str, str], str] = Batcher(run, max_size=8, key=person)
    leaving = asyncio.ensure_future(batcher.submit(("anna", "bye")))
    staying = asyncio.ensure_future(batcher.submit(("boris", "stay")))
    await asyncio.sleep(0.01)
    leaving.cancel()
    assert await staying == "STAY"
    assert run.batches == [["bye", "stay"]]  # the turn of the one who left was still handled


def test_a_batch_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        Batcher(Recorder(), max_size=0, key=person)

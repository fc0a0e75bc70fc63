"""The console hub fans ids out to every open page; a slow page gets one "resync", not a backlog."""

from __future__ import annotations

from bot.console.hub import QUEUE_SIZE, ConsoleEvent, ConsoleHub
from flows.handoff import phone_number


async def test_every_subscriber_hears_each_change_and_leaving_unsubscribes():
    hub = ConsoleHub()
    with hub.subscribe() as first, hub.subscribe() as second:
        hub.changed(7)
        assert first.get_nowait() == second.get_nowait() == ConsoleEvent("conversation", 7)
        assert hub.subscribers == 2
    assert hub.subscribers == 0
    hub.changed(8)  # nobody listening: nothing happens


async def test_a_page_that_falls_behind_is_told_to_resync():
    hub = ConsoleHub()
    with hub.subscribe() as queue:
        for n in range(QUEUE_SIZE + 5):
            hub.changed(n)
        assert queue.qsize() <= QUEUE_SIZE
        events = [queue.get_nowait() for _ in range(queue.qsize())]
        assert ConsoleEvent("resync") in events
        assert events[-1] == ConsoleEvent("conversation", QUEUE_SIZE + 4)


def test_phone_numbers_are_read_as_people_write_them():
    assert phone_number("+371 2000 0000") == "+37120000000"
    assert phone_number("20-00-00-00") == "+37120000000"
    assert phone_number("mans numurs ir 29 123 456") == "+37129123456"
    assert phone_number("мой номер 2 9 1 2 3 4 5 6") == "+37129123456"
    assert phone_number("my number is 0044 7700 900123, after 6 pm") == "+447700900123"
    assert phone_number("00371 (2) 0000000") == "+37120000000"
    assert phone_number("rīt no rīta") is None
    assert phone_number("12") is None
    assert phone_number("+1 234 567 890 123 456 789") is None

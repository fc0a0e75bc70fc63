import time
from bot.channels.telegram import TelegramOptions
from bot.channels.telegram_sender import Limits
from tests.telegram_fake import Failure, fake_api, start_telegram, text_update
__all__ = ["fake_api", "start_telegram"]

async def test_measure(start_telegram):
    t0 = time.monotonic()
    env = await start_telegram()
    print("\nstartup to setWebhook", round(env.api.called("setWebhook")[0].at - t0, 3))
    lat = []
    for n in range(5):
        t = time.monotonic(); await env.post(text_update(2000 + n, "kā var satikt vīru?"))
        (r,) = await env.api.wait_sent(2000 + n); lat.append(r.at - t)
    print("webhook post->sendMessage", [round(x, 3) for x in lat])
    env.api.fail("sendMessage", Failure.too_many(1), Failure.too_many(1))
    t = time.monotonic(); await env.post(text_update(2100, "kā var satikt vīru?"))
    (r,) = await env.api.wait_sent(2100, timeout=10); print("2x429 delay", round(r.at - t, 3))
    env.api.fail("sendMessage", Failure.server_error())
    t = time.monotonic(); await env.post(text_update(2101, "kā var satikt vīru?"))
    (r,) = await env.api.wait_sent(2101, timeout=10); print("5xx delay", round(r.at - t, 3))

async def test_measure_polling(start_telegram):
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None,
                               options=TelegramOptions(limits=Limits(), poll_timeout=25))
    lat = []
    for n in range(3):
        t = time.monotonic(); await env.api.push(text_update(2200 + n, "/start"))
        a, b = await env.api.wait_sent(2200 + n, count=2, timeout=10); lat.append((round(a.at - t, 3), round(b.at - a.at, 3)))
    print("\npolling push->first reply, gap to second (1/s per chat)", lat)

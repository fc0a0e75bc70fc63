"""Rasa's own parse time, without HTTP: the model loaded in-process, as `/model/parse` uses it.

Runs on Rasa's Python 3.10 venv (bench/nlu/run.py starts it through deploy/rasa/python.sh):

    deploy/rasa/python.sh bench/nlu/rasa_inproc.py MODEL.tar.gz TEXTS.json

Prints one JSON object: load time, parse latency percentiles (ms), peak RSS, and the intents.
"""

import asyncio
import json
import logging
import sys
import time
from pathlib import Path

WARM_UP = 20


def _percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _rss_mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main(model, texts):
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    start = time.perf_counter()
    agent = Agent.load(model)
    load_s = time.perf_counter() - start
    for text in texts[:WARM_UP]:
        await agent.parse_message(text)
    times, intents = [], []
    for text in texts:
        start = time.perf_counter()
        answer = await agent.parse_message(text)
        times.append((time.perf_counter() - start) * 1000)
        intents.append(answer["intent"]["name"])
    return {
        "load_s": round(load_s, 2),
        "latency_ms": {"p50": round(_percentile(times, 50), 3), "p99": round(_percentile(times, 99), 3)},
        "rss_mb": round(_rss_mb("VmRSS"), 1),
        "peak_rss_mb": round(_rss_mb("VmHWM"), 1),
        "intents": intents,
    }


if __name__ == "__main__":
    texts = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    result = asyncio.run(main(sys.argv[1], texts))
    sys.stdout.write(json.dumps(result) + "\n")

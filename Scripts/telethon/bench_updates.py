#!/usr/bin/env python3
"""The updates figure against Telethon 1.45: the same pushes from the same `testdc` binary.

Each run starts a fresh ``testdc --dcs 1 --dc 1 --telegram-account 15550001000 --telegram-user
bench_sender --telegram-channel bench_channel --bench-push-after-login N --bench-batch 50``: one
second after the account's first ``updates.getState`` the server pushes N new messages, alternating
``updates`` of 50 ``updateNewMessage`` from bench_sender in private (consecutive pts and seq) with
``updates`` of 50 ``updateNewChannelMessage`` in bench_channel (consecutive channel pts), as fast
as it can. Every text is ``bench I T``, T the server's CLOCK_MONOTONIC nanoseconds when pushed.

Telethon side: a ``TelegramClient`` (MemorySession, default connection) with one
``events.NewMessage`` handler logs in with the code (``client.start``, whose ``_on_login`` calls
``updates.getState``) and receives them. Telethon's default dispatch starts a task per update;
``--sequential`` (``sequential_updates=True``) runs the handler inside its update loop instead.
Per event both sides do the same work: take the receive time (``time.monotonic_ns()``), split the
text, record receive − T. Rate = N / (last receive −
first receive); p50/p99 of the latencies. One untimed warm-up run (``--warmup``, default 10,000),
then the median of ``--runs`` (default 5) runs of ``--count`` (default 100,000).

With ``--mtbench PATH`` it first runs ``mtbench --only updates --testdc TESTDC --json`` (our
client through its updates engine and ``events(.newMessage())``, the same warm-up and 5 runs of
100,000), then Telethon, and prints both and the ratio of events/s.

    python3 Scripts/telethon/bench_updates.py --testdc .build/release/testdc --mtbench .build/release/mtbench

The last line is one JSON object with the figures.
"""

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time

from telethon import TelegramClient, events
from telethon.crypto import rsa
from telethon.sessions import MemorySession

PHONE = "15550001000"
CODE = "12345"
BATCH = 50


def testdc_arguments(testdc, key_path, count):
    return [testdc, "--port", "0", "--dcs", "1", "--dc", "1", "--rsa-key-out", key_path,
            "--telegram-account", PHONE, "--telegram-user", "bench_sender", "--telegram-channel", "bench_channel",
            "--bench-push-after-login", str(count), "--bench-batch", str(BATCH)]


def testdc_client(process, key_path, **options):
    """A client (MemorySession) for the testdc process once it is ready (its JSON line read, its key added)."""
    ready = json.loads(process.stdout.readline())
    with open(key_path, "rb") as f:
        rsa.add_key(f.read(), old=False)
    session = MemorySession()
    session.set_dc(ready["dc"], "127.0.0.1", ready["port"])
    return TelegramClient(session, api_id=1, api_hash="0" * 32, connection_retries=1, timeout=60, **options)


async def telethon_run(testdc, count, timeout, sequential=False):
    """One fresh testdc and client; returns (events/s, p50 ms, p99 ms)."""
    with tempfile.TemporaryDirectory() as folder:
        key_path = os.path.join(folder, "testdc.pem")
        process = subprocess.Popen(testdc_arguments(testdc, key_path, count), stdout=subprocess.PIPE, text=True)
        try:
            client = testdc_client(process, key_path, sequential_updates=sequential)
            latencies = []
            span = [0, 0]
            done = asyncio.get_running_loop().create_future()

            @client.on(events.NewMessage())
            async def on_message(event):
                now = time.monotonic_ns()
                parts = event.message.message.split(" ")
                if len(parts) != 3 or parts[0] != "bench":
                    return
                if not latencies:
                    span[0] = now
                span[1] = now
                latencies.append((now - int(parts[2])) / 1e6)
                if len(latencies) == count and not done.done():
                    done.set_result(None)

            try:
                await client.start(phone=PHONE, code_callback=lambda: CODE)
                await asyncio.wait_for(done, timeout)
            finally:
                await client.disconnect()
        finally:
            process.terminate()
            process.wait(timeout=10)
    latencies.sort()
    rate = count / max((span[1] - span[0]) / 1e9, 1e-9)
    return rate, latencies[len(latencies) // 2], latencies[len(latencies) * 99 // 100]


async def telethon_figures(testdc, count, warmup, runs, timeout, sequential=False):
    if warmup:
        await telethon_run(testdc, warmup, timeout, sequential)
    results = []
    for i in range(runs):
        result = await telethon_run(testdc, count, timeout, sequential)
        print(f"telethon run {i + 1}: {result[0]:.0f} events/s, p50 {result[1]:.1f} ms, p99 {result[2]:.1f} ms", flush=True)
        results.append(result)
    return {
        "telethon_updates_events_per_s": statistics.median(r[0] for r in results),
        "telethon_updates_p50_ms": statistics.median(r[1] for r in results),
        "telethon_updates_p99_ms": statistics.median(r[2] for r in results),
    }


def mtbench_figures(mtbench, testdc):
    output = subprocess.run([mtbench, "--only", "updates", "--testdc", testdc, "--json"],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--testdc", required=True, help="the testdc executable")
    parser.add_argument("--mtbench", help="the mtbench executable: run its updates figure first and print the ratio")
    parser.add_argument("--count", type=int, default=100_000, help="pushed messages per timed Telethon run")
    parser.add_argument("--warmup", type=int, default=10_000, help="pushed messages of the untimed Telethon run (0: none)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=900, help="seconds one run may take")
    parser.add_argument("--sequential", action="store_true",
                        help="sequential_updates=True: handlers run in the update loop, no task per update")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    figures = {}
    if args.mtbench:
        figures.update(mtbench_figures(args.mtbench, args.testdc))
        print(f"swift (mtbench): {figures['updates_events_per_s']:.0f} events/s, p50 {figures['updates_p50_ms']:.1f} ms, "
              f"p99 {figures['updates_p99_ms']:.1f} ms (median of 5 runs of 100,000)", flush=True)
    figures.update(asyncio.run(telethon_figures(args.testdc, args.count, args.warmup, args.runs, args.timeout, args.sequential)))
    figures["telethon_updates_count"] = args.count
    print(f"telethon {__import__('telethon').__version__}: {figures['telethon_updates_events_per_s']:.0f} events/s, "
          f"p50 {figures['telethon_updates_p50_ms']:.1f} ms, p99 {figures['telethon_updates_p99_ms']:.1f} ms "
          f"(median of {args.runs} runs of {args.count:,})")
    if args.mtbench:
        figures["ratio_events_per_s"] = figures["updates_events_per_s"] / figures["telethon_updates_events_per_s"]
        print(f"ratio (swift / telethon events/s): {figures['ratio_events_per_s']:.1f}x")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

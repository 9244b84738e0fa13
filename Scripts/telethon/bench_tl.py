#!/usr/bin/env python3
"""Benchmark Telethon's TL decode and encode as a reference for our TL codec.

Input: ``Benchmarks/Inputs/messages_messages.bin`` (a boxed ``messages.messages``
with 100 messages, 50 users, 5 chats and 5 channels; see the README there).

  * decode = ``BinaryReader(data).tgread_object()``
  * encode = ``bytes(obj)`` of the decoded object (checked to give back ``data``)

Each is run for ``--seconds`` (default 2) per repetition, ``--repetitions``
(default 5) times, alternating decode and encode; the medians are printed as
one line of JSON (MB = 10^6 bytes):

    {"telethon_tl_decode_objects_per_s": ..., "telethon_tl_decode_mb_per_s": ...,
     "telethon_tl_encode_objects_per_s": ..., "telethon_tl_encode_mb_per_s": ...}

One "object" is one whole top-level ``messages.messages``.

Re-run (from the repository root):

    pip install -r Scripts/telethon/requirements.txt && python3 Scripts/telethon/bench_tl.py

Options: ``--input PATH``, ``--seconds S``, ``--repetitions N``.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import telethon
from telethon.extensions import BinaryReader

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INPUT = REPO_ROOT / "Benchmarks" / "Inputs" / "messages_messages.bin"


def rate(fn, seconds):
    """Run fn repeatedly for about `seconds`; return calls per second."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        fn()
        count += 1
        now = time.perf_counter()
    return count / (now - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT,
                        help=f"boxed TL object to decode/encode (default: {DEFAULT_INPUT})")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="duration of one repetition of each benchmark (default 2)")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="repetitions; the median is reported (default 5)")
    args = parser.parse_args(argv)

    data = args.input.read_bytes()
    obj = BinaryReader(data).tgread_object()
    if bytes(obj) != data:
        sys.exit(f"error: Telethon {telethon.__version__} does not re-encode {args.input} "
                 "to the same bytes")

    def decode():
        BinaryReader(data).tgread_object()

    def encode():
        bytes(obj)

    # Warm-up.
    rate(decode, min(0.2, args.seconds))
    rate(encode, min(0.2, args.seconds))

    decode_rates, encode_rates = [], []
    for _ in range(args.repetitions):
        decode_rates.append(rate(decode, args.seconds))
        encode_rates.append(rate(encode, args.seconds))

    size_mb = len(data) / 1e6
    decode_rate = statistics.median(decode_rates)
    encode_rate = statistics.median(encode_rates)
    print(json.dumps({
        "telethon_tl_decode_objects_per_s": round(decode_rate, 2),
        "telethon_tl_decode_mb_per_s": round(decode_rate * size_mb, 3),
        "telethon_tl_encode_objects_per_s": round(encode_rate, 2),
        "telethon_tl_encode_mb_per_s": round(encode_rate * size_mb, 3),
    }))


if __name__ == "__main__":
    main()

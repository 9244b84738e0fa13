#!/usr/bin/env python3
"""Our figures against Telethon's, taken alternately by this script: ours, Telethon, ours, Telethon, …

Each of ``--runs`` (default 5) rounds runs ``mtbench --only envelope,rawcrypto,network --testdc
TESTDC --json`` and then ``Scripts/telethon/bench_mtproto.py --only envelope,rawcrypto,network
--testdc TESTDC`` (each starts its own process of the same ``testdc`` binary); the figures are the
medians over the rounds, and the ratios are taken against the stronger Telethon figure.

* pings: 10,000 pings with 100 in flight after 100,000 untimed pings of the same kind on both sides
  (the warm-up). Telethon in two modes: pipelined single calls (``asyncio.gather`` of
  ``client(PingRequest)`` under a semaphore of 100) and its fastest, lists of 100 requests
  (``client([PingRequest, ...])``, packed into containers), each with its own 100,000-ping warm-up.
* envelope: encrypt one client message + receive one server message, 128 B and 64 KiB bodies; ours
  through the full receive path (session checks and the TL parse of the body), Telethon's through
  ``MTProtoState.encrypt_message_data`` / ``decrypt_message_data`` (which also check msg_key, the
  session id, msg_id parity, duplicates and the time window, and parse the body).
* raw crypto: one-shot AES-256-IGE encrypt/decrypt and SHA-256 of 128 B, 64 KiB and 1 MiB.

With ``--updates`` each round also runs the updates figure alternately: ``mtbench --only updates``
with ``MTBENCH_UPDATES_RUNS=1`` (its untimed 10,000 first, then one run of 100,000) and
``Scripts/telethon/bench_updates.py --runs 1`` (the same), once with Telethon's default dispatch (a
task per update) and once with ``--sequential`` (``sequential_updates=True``); the ratio is taken
against the faster of the two.

With ``--files`` each round also runs the file figures alternately: ``mtbench --only files`` with
``MTBENCH_FILES_RUNS=1`` (one untimed 64 MiB download and upload, then one timed each, through one
testdc process) and ``Scripts/telethon/bench_files.py --runs 1`` (the same warm-up, then one timed
transfer in each of Telethon's modes: ``download_media`` and ``download_file(part_size_kb=512)``,
``upload_file`` and ``upload_file(part_size_kb=512)``); the ratios are taken against the faster
Telethon mode. ``--only-files`` runs the file figures alone.

    python3 Scripts/bench_compare.py --testdc .build/release/testdc --mtbench .build/release/mtbench [--updates | --only-updates] [--files | --only-files]

The last line is one JSON object with the medians, every round's figures and the ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUPS = "envelope,rawcrypto,network"


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


def run(command, environment=None):
    print("$ " + " ".join(command), flush=True)
    completed = subprocess.run(command, check=True, capture_output=True, text=True,
                               env={**os.environ, **(environment or {})})
    return last_json(completed.stdout)


def ours(args):
    return run([args.mtbench, "--only", GROUPS, "--testdc", args.testdc, "--json"])


def theirs(args):
    return run([sys.executable, str(ROOT / "Scripts/telethon/bench_mtproto.py"), "--only", GROUPS,
                "--testdc", args.testdc, "--seconds", str(args.telethon_seconds)])


def ours_updates(args):
    return run([args.mtbench, "--only", "updates", "--testdc", args.testdc, "--json"], {"MTBENCH_UPDATES_RUNS": "1"})


def theirs_updates(args, sequential):
    command = [sys.executable, str(ROOT / "Scripts/telethon/bench_updates.py"), "--testdc", args.testdc, "--runs", "1"]
    figures = run(command + (["--sequential"] if sequential else []))
    prefix = "telethon_sequential_" if sequential else "telethon_"
    return {prefix + key[len("telethon_"):]: value for key, value in figures.items() if key.startswith("telethon_")}


def ours_files(args):
    return run([args.mtbench, "--only", "files", "--testdc", args.testdc, "--json"], {"MTBENCH_FILES_RUNS": "1"})


def theirs_files(args):
    return run([sys.executable, str(ROOT / "Scripts/telethon/bench_files.py"), "--testdc", args.testdc, "--runs", "1"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--testdc", required=True, help="the release testdc executable")
    parser.add_argument("--mtbench", required=True, help="the release mtbench executable")
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--telethon-seconds", type=float, default=0.5, help="seconds per Telethon envelope repetition")
    parser.add_argument("--updates", action="store_true", help="alternate the updates figure too")
    parser.add_argument("--files", action="store_true", help="alternate the 64 MiB file figures too")
    parser.add_argument("--only-files", action="store_true", help="the file figures alone")
    parser.add_argument("--only-updates", action="store_true", help="the updates figure alone")
    args = parser.parse_args()
    args.updates = args.updates or args.only_updates
    core = not (args.only_files or args.only_updates)
    files = args.files or args.only_files

    rounds = []
    for i in range(args.runs):
        figures = {}
        line = f"round {i + 1}:"
        if core:
            figures.update(ours(args))
            figures.update(theirs(args))
            line += f" pings ours {figures['ping_rpcs_per_s']:,.0f}/s, Telethon gather" \
                    f" {figures['telethon_ping_rpcs_per_s']:,.0f}/s, lists {figures['telethon_ping_list_rpcs_per_s']:,.0f}/s;" \
                    f" envelope 128 B ours {figures['envelope_roundtrips_per_s_128b']:,.0f}/s," \
                    f" Telethon {figures['telethon_envelope_roundtrips_per_s_128b']:,.0f}/s"
        if args.updates:
            figures.update(ours_updates(args))
            figures.update(theirs_updates(args, sequential=False))
            figures.update(theirs_updates(args, sequential=True))
        if files:
            figures.update(ours_files(args))
            figures.update(theirs_files(args))
            line += f" files ours down {figures['files_download_mb_per_s']:,.1f} MB/s up {figures['files_upload_mb_per_s']:,.1f} MB/s," \
                    f" Telethon down {figures['telethon_download_mb_per_s']:,.1f} up {figures['telethon_upload_mb_per_s']:,.1f}"
        rounds.append(figures)
        if args.updates:
            line += f"; updates ours {figures['updates_events_per_s']:,.0f}/s, Telethon {figures['telethon_updates_events_per_s']:,.0f}/s" \
                    f" (sequential_updates {figures['telethon_sequential_updates_events_per_s']:,.0f}/s)"
        print(line, flush=True)

    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    ratios = {}

    def ratio(name, mine, *references, target=None):
        strongest = max(median[r] for r in references)
        ratios[name] = median[mine] / strongest
        each = ", ".join(f"{r} {median[r]:,.1f} ({median[mine] / median[r]:.2f}x)" for r in references)
        verdict = "" if target is None else (" meets" if ratios[name] >= target else " MISSES") + f" the target {target}x"
        print(f"{name}: ours {median[mine]:,.1f} against {each}; against the stronger {ratios[name]:.2f}x{verdict}")

    warmups = (["100,000 untimed pings on both sides, per Telethon mode"] if core else []) + \
        (["one untimed 64 MiB download and upload per side and round"] if files else [])
    print(f"medians of {args.runs} alternating rounds (warm-up: {'; '.join(warmups)}):")
    if files:
        ratio("files_download", "files_download_mb_per_s", "telethon_download_media_mb_per_s", "telethon_download_file_512k_mb_per_s",
              target=3)
        ratio("files_upload", "files_upload_mb_per_s", "telethon_upload_file_mb_per_s", "telethon_upload_file_512k_mb_per_s", target=3)
        print(f"peak RSS growth (max over rounds): ours download {max(r['files_download_peak_rss_growth_mib'] for r in rounds):.1f} MiB,"
              f" upload {max(r['files_upload_peak_rss_growth_mib'] for r in rounds):.1f} MiB; Telethon download_media"
              f" {max(r['telethon_download_media_peak_rss_growth_mib'] for r in rounds):.1f} MiB,"
              f" upload_file {max(r['telethon_upload_file_peak_rss_growth_mib'] for r in rounds):.1f} MiB")
    if args.updates:
        ratio("updates", "updates_events_per_s", "telethon_updates_events_per_s", "telethon_sequential_updates_events_per_s", target=20)
    if not core:
        print(json.dumps({"median": median, "ratios": ratios, "rounds": rounds}))
        return 0
    ratio("pings", "ping_rpcs_per_s", "telethon_ping_rpcs_per_s", "telethon_ping_list_rpcs_per_s", target=10)
    ratio("envelope_128b", "envelope_roundtrips_per_s_128b", "telethon_envelope_roundtrips_per_s_128b", target=6)
    ratio("envelope_64kib", "envelope_roundtrips_per_s_64kib", "telethon_envelope_roundtrips_per_s_64kib", target=1.6)
    for size in ("128b", "64kib", "1mib"):
        for kind in ("ige_encrypt", "ige_decrypt", "sha256"):
            ratio(f"raw_{kind}_{size}", f"raw_{kind}_mb_per_s_{size}", f"telethon_raw_{kind}_mb_per_s_{size}")
    print(json.dumps({"median": median, "ratios": ratios, "rounds": rounds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

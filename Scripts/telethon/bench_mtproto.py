#!/usr/bin/env python3
"""Reference figures of Telethon 1.45 for our MTProto benchmarks (envelope, pq, SRP, handshake, ping).

Everything runs through Telethon's own code (with ``cryptg`` installed Telethon uses it for AES-IGE,
as Telegram's reference figures did; the AES backend in use is printed). Figures:

``telethon_envelope_roundtrips_per_s_128b``, ``telethon_envelope_roundtrips_per_s_64kib``
    One round trip = encrypt one client→server MTProto 2.0 message + decrypt one server→client
    message, both with the body ``Benchmarks/Inputs/envelope_payload_{128,65536}.bin`` and the keys
    of ``Benchmarks/Inputs/README.md`` (auth_key bytes ``(i*13+7) & 0xff``, salt 0x0102030405060708,
    session_id -0x1122334455667788, msg_id near 1735689600 << 32), on one
    ``telethon.network.mtprotostate.MTProtoState``:

    * encrypt: the 16-byte message header (msg_id and seq_no from the state, as
      ``MTProtoState.write_data_as_message`` writes it but without its gzip step, which would shrink
      the all-zero 64 KiB body) + ``state.encrypt_message_data(message)`` (adds salt and session id,
      random padding, msg_key, x = 0 keys, AES-IGE).
    * decrypt: ``state.decrypt_message_data(packet)`` of a server→client packet (x = 8) with the same
      body, built once beforehand with Telethon's ``MTProtoState._calc_key`` and ``AES.encrypt_ige``.
      Telethon's decrypt also does its session checks (session id, odd msg_id, time window, duplicate
      msg_id) and parses the body with ``tgread_object()``. The state's time offset is set so the
      fixed msg_id (1735689600 << 32 | 1) is "now", and its highest-seen msg_id is reset before each
      decrypt so the same packet is not dropped as a replay.

    Each repetition runs ``--seconds`` (default 2); the median of ``--repetitions`` (default 5).
``telethon_raw_ige_{encrypt,decrypt}_mb_per_s_{128b,64kib,1mib}``, ``telethon_raw_sha256_mb_per_s_*``
    Raw crypto as Telethon calls it: ``telethon.crypto.AES.encrypt_ige(data, key, iv)`` /
    ``decrypt_ige`` (cryptg when installed: key schedule, a new output buffer, the pass) and
    ``hashlib.sha256(data).digest()`` on random data of 128 B, 64 KiB and 1 MiB, in MB/s (mtbench's
    ``raw_*`` figures do the same one-shot calls).
``telethon_pq_factor_ms_median``
    Median ms of ``telethon.crypto.Factorization.factorize(pq)`` (pure-Python Pollard-Brent; also what
    Telethon's handshake uses, even with cryptg installed) over ``--pq-count`` (default 40) products
    of two random 31-bit primes (fixed ``--seed``; ``random`` is seeded too, since factorize uses it).
``telethon_srp_check_ms``
    Median ms over 5 runs of ``telethon.password.compute_check(password_info, password)`` for an
    ``account.password`` like Telegram's: ``PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000
    SHA256ModPow`` with Telegram's 2048-bit p, g = 3, random salt1 (40 bytes) / salt2 (16 bytes), and
    a valid srp_B = k*v + g^b mod p. The check is verified against the server side of SRP once.
``telethon_handshake_ms`` (only with ``--testdc``)
    Median over ``--handshakes`` (default 10) fresh TCP connections (intermediate framing) of
    ``telethon.network.authenticator.do_authentication(MTProtoPlainSender(connection))`` alone: the
    auth key exchange (req_pq_multi, pure-Python pq factorisation, RSA, DH), not the TCP connect.
``telethon_ping_rpcs_per_s``, ``telethon_ping_p50_ms``, ``telethon_ping_p99_ms`` (only with ``--testdc``)
    One ``TelegramClient`` (intermediate framing, ``receive_updates=False``) connected to the test DC;
    ``--pings`` (default 10,000) ``functions.PingRequest(ping_id=i)`` with ``--in-flight`` (default
    100) outstanding at once (``asyncio.Semaphore`` + ``gather``). Rate = pings / wall time;
    latency = time of each ``await client(PingRequest(...))``. How many were really in flight at the
    sender (unanswered, sent or queued) is sampled and printed. ``--warmup`` (default 100,000) untimed
    pings of the same kind come first, so both clients are measured in a steady state (mtbench does
    the same).
``telethon_ping_list_rpcs_per_s``, ``telethon_ping_list_p50_ms``, ``telethon_ping_list_p99_ms`` (only with ``--testdc``)
    Telethon's fastest mode on the same client: ``await client([functions.PingRequest(...) for ...])``
    with lists of ``--list-size`` (default: ``--in-flight``, 100) requests, one list after another;
    Telethon sends a list at once and packs it into containers. The same ``--warmup`` pings, in
    lists, come first. Latency of a ping = the time its list took.

``--testdc PATH`` is our test DC binary: run as ``PATH --port 0 --rsa-key-out FILE`` it prints one
JSON line ``{"port": P, "dc": D, "fingerprint": F, "dcs": [...]}`` when ready; it is stopped with
SIGTERM at the end. Its RSA key is registered with ``telethon.crypto.rsa.add_key``.

Run (from the repository root):

    pip install -r Scripts/telethon/requirements.txt      # telethon==1.45.0, cryptg
    python3 Scripts/telethon/bench_mtproto.py [--testdc .build/release/testdc]

Human-readable lines first; the last line is one JSON object with the figures above.
"""

import argparse
import asyncio
import hashlib
import importlib.metadata
import json
import logging
import os
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import telethon
from telethon import TelegramClient, functions, types
from telethon import password as tl_password
from telethon.crypto import AES, AuthKey, Factorization, rsa
from telethon.crypto import aes as tl_aes
from telethon.crypto import libssl
from telethon.network import ConnectionTcpIntermediate, authenticator
from telethon.network.mtprotoplainsender import MTProtoPlainSender
from telethon.network.mtprotostate import MTProtoState
from telethon.sessions import MemorySession

REPO_ROOT = Path(__file__).resolve().parents[2]
INPUTS = REPO_ROOT / "Benchmarks" / "Inputs"

AUTH_KEY = bytes((i * 13 + 7) & 0xFF for i in range(256))
SALT = 0x0102030405060708
SESSION_ID = -0x1122334455667788
MSG_TIME = 1735689600
SERVER_MSG_ID = (MSG_TIME << 32) | 1  # server messages have odd msg_ids

TELEGRAM_P = bytes.fromhex(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db"
    "fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41"
    "0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf"
    "6f4fadf034b10403119cd8e3b92fcc5b")


class Loggers(dict):
    """The `loggers` mapping Telethon's internals expect (as TelegramBaseClient builds it)."""

    def __missing__(self, key):
        return logging.getLogger(key)


LOGGERS = Loggers()


def aes_backend():
    if tl_aes.cryptg is not None:
        try:
            return f"cryptg {importlib.metadata.version('cryptg')}"
        except importlib.metadata.PackageNotFoundError:
            return "cryptg"
    if libssl.encrypt_ige and libssl.decrypt_ige:
        return "libssl"
    return "pyaes (pure Python)"


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


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, min(len(sorted_values) - 1, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


# ---------------------------------------------------------------------------------------------------
# Envelope


def server_packet(body):
    """A server→client (x = 8) MTProto 2.0 packet carrying `body`, built with Telethon's primitives."""
    plain = struct.pack("<qqqii", SALT, SESSION_ID, SERVER_MSG_ID, 1, len(body)) + body
    plain += os.urandom(-(len(plain) + 12) % 16 + 12)
    msg_key = hashlib.sha256(AUTH_KEY[96:128] + plain).digest()[8:24]
    key, iv = MTProtoState._calc_key(AUTH_KEY, msg_key, False)
    return struct.pack("<Q", AuthKey(AUTH_KEY).key_id) + msg_key + AES.encrypt_ige(plain, key, iv)


def new_state():
    state = MTProtoState(AuthKey(AUTH_KEY), loggers=LOGGERS)
    state.salt = SALT
    state.id = SESSION_ID
    aim_clock(state)
    return state


def aim_clock(state):
    """Make 1735689600 "now" for the state: its msg_ids start there and SERVER_MSG_ID is in the window."""
    state.time_offset = MSG_TIME - int(time.time())
    state._last_msg_id = 0


def check_envelope(state, body, packet):
    """Check once that encrypt produces what a server can decrypt and decrypt gives back the body."""
    message = struct.pack("<qii", state._get_new_msg_id(), state._get_seq_no(True), len(body)) + body
    out = state.encrypt_message_data(message)
    msg_key = out[8:24]
    key, iv = MTProtoState._calc_key(AUTH_KEY, msg_key, True)
    plain = AES.decrypt_ige(out[24:], key, iv)
    assert out[:8] == struct.pack("<Q", state.auth_key.key_id)
    assert hashlib.sha256(AUTH_KEY[88:120] + plain).digest()[8:24] == msg_key, "client msg_key"
    salt, session, msg_id, _seq, length = struct.unpack("<qqqii", plain[:32])
    assert (salt, session, length) == (SALT, SESSION_ID, len(body)), "client header"
    assert msg_id >> 32 in (MSG_TIME, MSG_TIME + 1) or abs((msg_id >> 32) - MSG_TIME) < 300, hex(msg_id)
    assert plain[32:32 + length] == body, "client body"
    state._highest_remote_id = 0
    message = state.decrypt_message_data(packet)
    assert message is not None and message.msg_id == SERVER_MSG_ID, "server packet dropped"
    assert bytes(message.obj) == body, "server body"


def bench_envelope(body, seconds, repetitions):
    state = new_state()
    packet = server_packet(body)
    check_envelope(state, body, packet)
    pack = struct.pack
    new_msg_id = state._get_new_msg_id
    seq_no = state._get_seq_no
    encrypt = state.encrypt_message_data
    decrypt = state.decrypt_message_data

    def roundtrip():
        encrypt(pack("<qii", new_msg_id(), seq_no(True), len(body)) + body)
        state._highest_remote_id = 0
        if decrypt(packet) is None:
            raise RuntimeError("decrypt dropped the packet")

    rates = []
    for _ in range(repetitions):
        aim_clock(state)
        rates.append(rate(roundtrip, seconds))
    return rates


# ---------------------------------------------------------------------------------------------------
# pq factorisation


def is_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):  # deterministic for n < 3.3e24
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(rng, bits):
    while True:
        n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if is_prime(n):
            return n


def bench_pq(count, seed):
    rng = random.Random(seed)
    products = []
    for _ in range(count):
        p, q = random_prime(rng, 31), random_prime(rng, 31)
        while q == p:
            q = random_prime(rng, 31)
        products.append((p * q, min(p, q), max(p, q)))
    random.seed(seed)  # Factorization.factorize draws its starting points from `random`
    times = []
    for pq, p, q in products:
        start = time.perf_counter()
        factors = Factorization.factorize(pq)
        times.append((time.perf_counter() - start) * 1000)
        assert tuple(factors) == (p, q), (pq, factors)
    return times, products


# ---------------------------------------------------------------------------------------------------
# SRP


def srp_request(rng, password):
    """An account.password as Telegram sends it, with srp_B computed like the server does."""
    algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=rng.randbytes(40), salt2=rng.randbytes(16), g=3, p=TELEGRAM_P)
    p = int.from_bytes(TELEGRAM_P, "big")
    g = 3
    x = int.from_bytes(tl_password.compute_hash(algo, password), "big")
    v = pow(g, x, p)
    k = int.from_bytes(hashlib.sha256(TELEGRAM_P + g.to_bytes(256, "big")).digest(), "big")
    b = int.from_bytes(rng.randbytes(256), "big")
    B = (k * v + pow(g, b, p)) % p
    request = types.account.Password(
        new_algo=types.PasswordKdfAlgoUnknown(),
        new_secure_algo=types.SecurePasswordKdfAlgoUnknown(),
        secure_random=rng.randbytes(256),
        has_password=True,
        current_algo=algo,
        srp_B=B.to_bytes(256, "big"),
        srp_id=rng.getrandbits(63),
        hint="bench")
    return request, (p, g, v, b)


def verify_srp(request, server, check):
    """The server side of SRP: recompute M1 from A and check it matches what the client sent."""
    p, g, v, b = server
    algo = request.current_algo
    sha = lambda *parts: hashlib.sha256(b"".join(parts)).digest()  # noqa: E731
    A = check.A
    u = int.from_bytes(sha(A, request.srp_B), "big")
    S = pow(int.from_bytes(A, "big") * pow(v, u, p) % p, b, p)
    K = sha(S.to_bytes(256, "big"))
    p_hash, g_hash = sha(TELEGRAM_P), sha(g.to_bytes(256, "big"))
    m1 = sha(bytes(x ^ y for x, y in zip(p_hash, g_hash)), sha(algo.salt1), sha(algo.salt2), A,
             request.srp_B, K)
    assert check.srp_id == request.srp_id and check.M1 == m1, "SRP M1 mismatch"


def bench_srp(seed, runs):
    rng = random.Random(seed)
    password = "correct horse battery staple"
    request, server = srp_request(rng, password)
    verify_srp(request, server, tl_password.compute_check(request, password))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        tl_password.compute_check(request, password)
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    tl_password.pbkdf2sha512(b"x" * 32, request.current_algo.salt1, 100000)
    pbkdf2_ms = (time.perf_counter() - start) * 1000
    return times, pbkdf2_ms


# ---------------------------------------------------------------------------------------------------
# Test DC: handshake and pings


async def bench_handshake(dc, port, count):
    factor_ms = []
    original = authenticator.Factorization

    class TimedFactorization(original):
        @classmethod
        def factorize(cls, pq):
            start = time.perf_counter()
            try:
                return original.factorize(pq)
            finally:
                factor_ms.append((time.perf_counter() - start) * 1000)

    authenticator.Factorization = TimedFactorization
    times = []
    try:
        for _ in range(count):
            connection = ConnectionTcpIntermediate("127.0.0.1", port, dc, loggers=LOGGERS)
            await connection.connect(timeout=10)
            try:
                sender = MTProtoPlainSender(connection, loggers=LOGGERS)
                start = time.perf_counter()
                auth_key, _offset = await asyncio.wait_for(authenticator.do_authentication(sender), 60)
                times.append((time.perf_counter() - start) * 1000)
                assert len(auth_key.key) == 256
            finally:
                await connection.disconnect()
    finally:
        authenticator.Factorization = original
    return times, factor_ms


async def ping_client(dc, port):
    """A connected TelegramClient (intermediate framing, no updates) on the test DC."""
    session = MemorySession()
    session.set_dc(dc, "127.0.0.1", port)
    client = TelegramClient(session, api_id=1, api_hash="0" * 32, connection=ConnectionTcpIntermediate,
                            receive_updates=False, connection_retries=1, timeout=30)
    await asyncio.wait_for(client.connect(), 60)
    return client


async def bench_pings(dc, port, total, in_flight, warmup):
    client = await ping_client(dc, port)
    try:
        semaphore = asyncio.Semaphore(in_flight)
        latencies = [0.0] * total
        samples = []
        done = False

        async def sampler():
            sender = client._sender
            while not done:
                samples.append(len(sender._pending_state) + len(sender._send_queue._deque))
                await asyncio.sleep(0.001)

        async def one(i, ping_id):
            async with semaphore:
                start = time.perf_counter()
                pong = await client(functions.PingRequest(ping_id=ping_id))
                latencies[i] = (time.perf_counter() - start) * 1000
                if pong.ping_id != ping_id:
                    raise AssertionError(f"pong {pong.ping_id} for ping {ping_id}")

        # An untimed round of the same pipelined pings first, as mtbench does.
        warm_latencies = latencies
        latencies = [0.0] * warmup
        await asyncio.gather(*(one(i, -1 - i) for i in range(warmup)))
        latencies = warm_latencies
        sampling = asyncio.ensure_future(sampler())
        start = time.perf_counter()
        await asyncio.gather(*(one(i, i) for i in range(total)))
        elapsed = time.perf_counter() - start
        done = True
        await sampling
        return total / elapsed, sorted(latencies), samples
    finally:
        await client.disconnect()


async def bench_ping_lists(dc, port, total, list_size, warmup):
    """Pings sent as lists of `list_size` (Telethon packs each list into containers), one list at a time."""
    client = await ping_client(dc, port)
    try:
        async def round_of(count, first_id, latencies):
            for start_id in range(0, count, list_size):
                ids = range(first_id + start_id, first_id + min(count, start_id + list_size))
                start = time.perf_counter()
                pongs = await client([functions.PingRequest(ping_id=i) for i in ids])
                took = (time.perf_counter() - start) * 1000
                for i, pong in zip(ids, pongs):
                    if pong.ping_id != i:
                        raise AssertionError(f"pong {pong.ping_id} for ping {i}")
                if latencies is not None:
                    latencies.extend([took] * len(ids))

        await round_of(warmup, -10 * warmup - 1, None)  # untimed, as mtbench's warm-up
        latencies = []
        start = time.perf_counter()
        await round_of(total, 0, latencies)
        elapsed = time.perf_counter() - start
        return total / elapsed, sorted(latencies)
    finally:
        await client.disconnect()


def bench_raw_crypto():
    """One-shot AES-256-IGE through Telethon's AES (cryptg) and hashlib SHA-256, MB/s by size."""
    figures = {}
    key, iv = os.urandom(32), os.urandom(32)
    for name, size in (("128b", 128), ("64kib", 65536), ("1mib", 1 << 20)):
        data = os.urandom(size)
        seconds = 0.3
        assert AES.decrypt_ige(AES.encrypt_ige(data, key, iv), key, iv) == data
        for figure, fn in (("raw_ige_encrypt", lambda: AES.encrypt_ige(data, key, iv)),
                           ("raw_ige_decrypt", lambda: AES.decrypt_ige(data, key, iv)),
                           ("raw_sha256", lambda: hashlib.sha256(data).digest())):
            rates = [rate(fn, seconds) for _ in range(5)]
            figures[f"telethon_{figure}_mb_per_s_{name}"] = statistics.median(rates) * size / 1e6
        print(f"raw crypto {size} B: AES-IGE encrypt {figures[f'telethon_raw_ige_encrypt_mb_per_s_{name}']:,.1f} MB/s,"
              f" decrypt {figures[f'telethon_raw_ige_decrypt_mb_per_s_{name}']:,.1f} MB/s,"
              f" SHA-256 {figures[f'telethon_raw_sha256_mb_per_s_{name}']:,.1f} MB/s")
    return figures


async def bench_testdc(testdc, handshakes, pings, in_flight, warmup, figures, list_size=None):
    with tempfile.TemporaryDirectory() as folder:
        key_path = os.path.join(folder, "testdc.pem")
        process = subprocess.Popen([testdc, "--port", "0", "--rsa-key-out", key_path],
                                   stdout=subprocess.PIPE, text=True)
        try:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"{testdc} exited without printing its ready line")
            ready = json.loads(line)
            with open(key_path, "rb") as f:
                rsa.add_key(f.read(), old=False)
            dc, port = ready["dc"], ready["port"]
            print(f"testdc: {testdc} dc {dc} port {port} fingerprint {ready.get('fingerprint')}")

            times, factor_ms = await bench_handshake(dc, port, handshakes)
            figures["telethon_handshake_ms"] = statistics.median(times)
            print(f"handshake (do_authentication, intermediate): median {statistics.median(times):.1f} ms,"
                  f" min {min(times):.1f}, max {max(times):.1f} over {len(times)};"
                  f" of which pq factorisation median {statistics.median(factor_ms):.1f} ms")

            per_s, latencies, samples = await bench_pings(dc, port, pings, in_flight, warmup)
            figures["telethon_ping_rpcs_per_s"] = per_s
            figures["telethon_ping_p50_ms"] = percentile(latencies, 0.50)
            figures["telethon_ping_p99_ms"] = percentile(latencies, 0.99)
            busy = sorted(samples)
            print(f"pings: {pings} with {in_flight} in flight: {per_s:,.0f} RPC/s, latency p50"
                  f" {percentile(latencies, 0.5):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms,"
                  f" max {latencies[-1]:.2f} ms")
            if busy:
                print(f"  requests outstanding at the sender (sent unanswered + queued), sampled every"
                      f" ~1 ms: median {statistics.median(busy):.0f}, max {busy[-1]}"
                      f" ({len(busy)} samples)")

            size = list_size or in_flight
            per_s, latencies = await bench_ping_lists(dc, port, pings, size, warmup)
            figures["telethon_ping_list_rpcs_per_s"] = per_s
            figures["telethon_ping_list_p50_ms"] = percentile(latencies, 0.50)
            figures["telethon_ping_list_p99_ms"] = percentile(latencies, 0.99)
            print(f"pings as lists of {size} (client([PingRequest, ...]), containers): {per_s:,.0f} RPC/s,"
                  f" latency (its list's) p50 {percentile(latencies, 0.5):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms")
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ---------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--testdc", help="test DC binary; enables the handshake and ping figures")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per envelope repetition")
    parser.add_argument("--repetitions", type=int, default=5, help="envelope repetitions (median)")
    parser.add_argument("--pq-count", type=int, default=40, help="pq products to factorise")
    parser.add_argument("--srp-runs", type=int, default=5, help="compute_check runs (median)")
    parser.add_argument("--handshakes", type=int, default=10, help="fresh connections to time")
    parser.add_argument("--pings", type=int, default=10000, help="ping RPCs")
    parser.add_argument("--in-flight", type=int, default=100, help="pings outstanding at once")
    parser.add_argument("--warmup", type=int, default=100000, help="untimed pings before the timed ones (as mtbench)")
    parser.add_argument("--list-size", type=int, default=None, help="pings per list in the list mode (default: --in-flight)")
    parser.add_argument("--seed", type=int, default=20250101, help="seed for pq and SRP inputs")
    parser.add_argument("--only", default="envelope,rawcrypto,pq,srp,network",
                        help="comma-separated groups: envelope, rawcrypto, pq, srp, network (needs --testdc)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    print(f"Telethon {telethon.__version__}, Python {sys.version.split()[0]}, AES-IGE via {aes_backend()}")
    figures = {}
    groups = set(args.only.split(","))

    if "envelope" in groups:
        envelope_figures(args, figures)
    if "rawcrypto" in groups:
        figures.update(bench_raw_crypto())

    if "pq" in groups:
        pq_figures(args, figures)
    if "srp" in groups:
        srp_figures(args, figures)

    if args.testdc and "network" in groups:
        asyncio.run(bench_testdc(args.testdc, args.handshakes, args.pings, args.in_flight, args.warmup, figures,
                                 args.list_size))

    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))
    return 0


def envelope_figures(args, figures):
    for name, filename in (("128b", "envelope_payload_128.bin"), ("64kib", "envelope_payload_65536.bin")):
        body = (INPUTS / filename).read_bytes()
        rates = bench_envelope(body, args.seconds, args.repetitions)
        figures[f"telethon_envelope_roundtrips_per_s_{name}"] = statistics.median(rates)
        print(f"envelope {len(body)} B body: encrypt + decrypt {statistics.median(rates):,.0f}/s"
              f" (runs: {', '.join(f'{r:,.0f}' for r in rates)})")


def pq_figures(args, figures):
    times, products = bench_pq(args.pq_count, args.seed)
    figures["telethon_pq_factor_ms_median"] = statistics.median(times)
    print(f"pq factorisation ({len(products)} products of two 31-bit primes, "
          f"{min(pq.bit_length() for pq, _, _ in products)}-{max(pq.bit_length() for pq, _, _ in products)}"
          f" bits): median {statistics.median(times):.2f} ms, min {min(times):.2f}, max {max(times):.2f}")


def srp_figures(args, figures):
    times, pbkdf2_ms = bench_srp(args.seed, args.srp_runs)
    figures["telethon_srp_check_ms"] = statistics.median(times)
    print(f"SRP compute_check: median {statistics.median(times):.1f} ms"
          f" (runs: {', '.join(f'{t:.1f}' for t in times)}); PBKDF2-HMAC-SHA512 x 100000 alone {pbkdf2_ms:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())

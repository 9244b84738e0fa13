#!/usr/bin/env python3
"""Generate MTProto crypto and transport test vectors from independent Python code.

Every vector is computed twice, by two implementations that share no code with
the Swift project (and, where possible, none with each other):

  * our own straightforward Python on top of the ``cryptography`` package
    (AES-ECB / AES-CTR / hashes / PBKDF2) and Python's integers, and
  * Telethon 1.45.0 (its AES-IGE in pure Python via pyaes *and* via its ctypes
    libssl binding, its pyaes-based AES-CTR, ``MTProtoState`` for the MTProto
    2.0 envelope, its connection classes and packet codecs for the TCP
    transports, ``ObfuscatedIO`` / ``MTProxyIO`` for obfuscated2, its
    Pollard-Brent factorization for pq, ...).

The script refuses to write anything unless both agree. The result is
``Tests/MTProtoTests/Fixtures/crypto_vectors.json``: one JSON object whose keys
are the vector groups (``aes_ige``, ``aes_ctr``, ``sha1``, ``sha256``,
``pbkdf2_sha512``, ``modexp``, ``pq``, ``msg_key_kdf``, ``envelope``,
``transport``, ``obfuscated``) plus ``_meta``. Each group is an array of
cases; every case carries a ``source`` string naming the implementations that
produced and confirmed it. All byte strings are lowercase hex; the full
description of every field is in ``_meta.schema`` of the output (and in
``SCHEMA`` below).

All inputs come from ``random.Random(<fixed seed>)`` (one seed per group), and
Telethon's own calls to ``os.urandom`` / ``random.randint`` are replaced by
scripted values during the calls that need them, so re-running the script
produces the same file byte for byte (JSON, indent 1, sorted keys).

Re-run (from the repository root):

    pip install -r Scripts/telethon/requirements.txt cryptography && python3 Scripts/vectors/make_crypto_vectors.py

Options: ``--out PATH`` (default: the fixture path above, relative to the
repository root found from this script's location); ``--check`` (regenerate in
memory and exit with status 1 if the committed file differs).
"""

import argparse
import asyncio
import collections
import contextlib
import hashlib
import json
import logging
import os
import random
import struct
import sys
import types as pytypes
import zlib
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

import telethon
from telethon import password as tl_password
from telethon.crypto import AES as TelethonAES
from telethon.crypto import AESModeCTR as TelethonCTR
from telethon.crypto import AuthKey
from telethon.crypto import aes as tl_aes_module
from telethon.crypto.factorization import Factorization
from telethon.network import mtprotostate as tl_mtprotostate
from telethon.network.connection import connection as tl_connection
from telethon.network.connection import tcpintermediate as tl_tcpintermediate
from telethon.network.connection.tcpabridged import ConnectionTcpAbridged
from telethon.network.connection.tcpfull import ConnectionTcpFull
from telethon.network.connection.tcpintermediate import (
    ConnectionTcpIntermediate,
    IntermediatePacketCodec,
    RandomizedIntermediatePacketCodec,
)
from telethon.network.connection.tcpmtproxy import (
    ConnectionTcpMTProxyAbridged,
    ConnectionTcpMTProxyIntermediate,
    ConnectionTcpMTProxyRandomizedIntermediate,
)
from telethon.network.connection.tcpobfuscated import ConnectionTcpObfuscated, ObfuscatedIO
from telethon.tl import types as T

try:  # optional third opinion on primality
    import sympy
except ImportError:  # pragma: no cover
    sympy = None

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "Tests" / "MTProtoTests" / "Fixtures" / "crypto_vectors.json"
EXPECTED_TELETHON = "1.45.0"

SCHEMA = {
    "_meta": "generator script, Telethon version, this schema. Not vectors.",
    "aes_ige": "AES-256-IGE encryption. key (32 B), iv (32 B: iv[0:16] is c_0, iv[16:32] is p_0, "
               "Telegram/Telethon/OpenSSL order), plaintext, ciphertext (same length, multiple of 16).",
    "aes_ctr": "AES-256-CTR, 128-bit big-endian counter block starting at iv and incremented by one "
               "per 16-byte block (carry runs through all 16 bytes, wraps to zero). key (32 B), "
               "iv (16 B), plaintext, ciphertext (same length, any length).",
    "sha1": "input, digest (20 B).",
    "sha256": "input, digest (32 B).",
    "pbkdf2_sha512": "PBKDF2-HMAC-SHA512. password, salt (bytes), iterations (int), derived (64 B).",
    "modexp": "result = base^exponent mod modulus. All big-endian unsigned; base and result are "
              "left-padded with zeros to the modulus' byte length, exponent and modulus are minimal "
              "(no leading zero byte; zero would be '00'). Modulus is always odd; base < modulus.",
    "pq": "pq = p * q with p < q distinct primes of 31-32 bits. pq/p/q are decimal strings "
          "(pq may exceed Int64.max, it always fits UInt64); pq_hex is pq as 8 big-endian bytes "
          "(as in the TL 'bytes' of resPQ).",
    "msg_key_kdf": "MTProto 2.0 key derivation. auth_key (256 B), msg_key (16 B), x (0 = client->server, "
                   "8 = server->client): a = SHA256(msg_key + auth_key[x:x+36]), "
                   "b = SHA256(auth_key[40+x:76+x] + msg_key), aes_key = a[0:8]+b[8:24]+a[24:32] (32 B), "
                   "aes_iv = b[0:8]+a[8:24]+b[24:32] (32 B, the IGE iv).",
    "envelope": "One encrypted MTProto 2.0 message. direction 'client' (x=0) or 'server' (x=8); "
                "auth_key (256 B); auth_key_id = SHA1(auth_key)[12:20] (8 B, as on the wire); "
                "salt, session_id (ints, both in 0..2^63-1 so signed/unsigned agree, written as "
                "little-endian 64-bit); msg_id (int, LE 64-bit), seq_no (int, LE 32-bit); body (the "
                "message body, length multiple of 4); padding (12..1024 B so that the plaintext is a "
                "multiple of 16); plaintext = salt | session_id | msg_id | seq_no | len(body) (LE 32) "
                "| body | padding; msg_key = SHA256(auth_key[88+x:120+x] + plaintext)[8:24]; aes_key / "
                "aes_iv from the KDF with the same x; packet = auth_key_id | msg_key | "
                "AES-IGE(plaintext). 'server' bodies are real TL objects (Telethon parses them).",
    "transport": "Unobfuscated TCP transports. kind 'abridged' | 'intermediate' | 'full'; payloads "
                 "(list of hex, each a multiple of 4 bytes); stream = every byte the client writes "
                 "after connecting: the transport tag first (abridged: ef; intermediate: eeeeeeee; "
                 "full: none) then one frame per payload (abridged: len/4 as 1 byte if < 127, else "
                 "7f + len/4 as 3 LE bytes; intermediate: len as LE 32; full: LE32 total length "
                 "(payload+12) | LE32 seq (0, 1, 2, ... per connection) | payload | LE32 CRC32 of "
                 "everything before it in the frame). stream_server = the same payloads framed as "
                 "the server would send them back (no tag; full transport seq also starts at 0).",
    "obfuscated": "obfuscated2 transport (optionally through an MTProxy). transport 'abridged' | "
                  "'intermediate' | 'padded'; dc_id (int, signed 16-bit LE at init[60:62]); secret "
                  "(null or the 16-byte proxy secret; secret_prefix 'dd' when the client was given a "
                  "dd-secret, else null); init = the 64-byte plaintext header (random bytes with "
                  "init[56:60] = protocol tag efefefef | eeeeeeee | dddddddd and init[60:62] = dc_id); "
                  "encrypt_key = init[8:40] (or SHA256(init[8:40] + secret)), encrypt_iv = "
                  "init[40:56]; with r = reversed(init[8:56]): decrypt_key = r[0:32] (or "
                  "SHA256(r[0:32] + secret)), decrypt_iv = r[32:48]; header = init[0:56] + "
                  "AES-CTR(encrypt_key, encrypt_iv, init)[56:64] (the keystream's first 64 bytes are "
                  "spent on the header); payloads; paddings (per payload, the random padding bytes "
                  "the padded transport appended, inside the length; '' otherwise); stream_client = "
                  "header + AES-CTR continuing at keystream offset 64 over the transport frames; "
                  "server_payloads, server_paddings, stream_server = what the server sends back: "
                  "frames of server_payloads encrypted with decrypt_key/decrypt_iv from keystream "
                  "offset 0 (the server sends no header).",
}


def hx(b):
    return bytes(b).hex()


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def rbytes(rng, n):
    return rng.randbytes(n)


LOGGERS = collections.defaultdict(lambda: logging.getLogger("make_crypto_vectors"))


# --------------------------------------------------------------------------
# Scripted replacements for the randomness Telethon draws internally
# --------------------------------------------------------------------------

@contextlib.contextmanager
def scripted_urandom(chunks):
    """Make os.urandom return the given byte strings, in order; every one must be used
    and each call must ask for exactly the next chunk's length."""
    queue = collections.deque(chunks)
    real = os.urandom

    def fake(n):
        if not queue:
            raise AssertionError(f"unexpected os.urandom({n})")
        chunk = queue.popleft()
        if len(chunk) != n:
            raise AssertionError(f"os.urandom({n}) but scripted chunk has {len(chunk)} bytes")
        return chunk

    os.urandom = fake
    try:
        yield
    finally:
        os.urandom = real
    assert not queue, f"{len(queue)} scripted os.urandom chunks left unused"


@contextlib.contextmanager
def scripted_randint(values):
    """Replace the `random` module tcpintermediate uses for the padded transport."""
    queue = collections.deque(values)
    real = tl_tcpintermediate.random

    def randint(a, b):
        v = queue.popleft()
        assert a <= v <= b
        return v

    tl_tcpintermediate.random = pytypes.SimpleNamespace(randint=randint)
    try:
        yield
    finally:
        tl_tcpintermediate.random = real
    assert not queue


@contextlib.contextmanager
def telethon_ige_backend(name):
    """Force Telethon's AES-IGE to one backend: 'python' (pyaes) or 'libssl' (ctypes OpenSSL)."""
    lib = tl_aes_module.libssl
    saved = (tl_aes_module.cryptg, lib.encrypt_ige, lib.decrypt_ige)
    tl_aes_module.cryptg = None
    if name == "python":
        lib.encrypt_ige = lib.decrypt_ige = None
    try:
        yield
    finally:
        tl_aes_module.cryptg, lib.encrypt_ige, lib.decrypt_ige = saved


def telethon_ige_backends():
    names = ["python"]
    if tl_aes_module.libssl.encrypt_ige and tl_aes_module.libssl.decrypt_ige:
        names.append("libssl")
    return names


# --------------------------------------------------------------------------
# Our own implementations (cryptography + plain Python)
# --------------------------------------------------------------------------

def own_ige_encrypt(key, iv, pt):
    assert len(iv) == 32 and len(pt) % 16 == 0
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    c_prev, p_prev = iv[:16], iv[16:]
    out = bytearray()
    for i in range(0, len(pt), 16):
        p = pt[i:i + 16]
        c = xor(ecb.update(xor(p, c_prev)), p_prev)
        out += c
        c_prev, p_prev = c, p
    return bytes(out)


def own_ige_decrypt(key, iv, ct):
    assert len(iv) == 32 and len(ct) % 16 == 0
    ecb = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    c_prev, p_prev = iv[:16], iv[16:]
    out = bytearray()
    for i in range(0, len(ct), 16):
        c = ct[i:i + 16]
        p = xor(ecb.update(xor(c, p_prev)), c_prev)
        out += p
        c_prev, p_prev = c, p
    return bytes(out)


def own_ctr(key, iv):
    return Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()


def own_hash(algorithm, data):
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


def sha1(data):
    return own_hash(hashes.SHA1(), data)


def sha256(data):
    return own_hash(hashes.SHA256(), data)


def own_kdf(auth_key, msg_key, x):
    a = sha256(msg_key + auth_key[x:x + 36])
    b = sha256(auth_key[40 + x:76 + x] + msg_key)
    return a[:8] + b[8:24] + a[24:32], b[:8] + a[8:24] + b[24:32]


def own_modexp(base, exponent, modulus):
    """Left-to-right square-and-multiply, independent of pow()."""
    result = 1 % modulus
    base %= modulus
    for bit in bin(exponent)[2:] if exponent else "":
        result = result * result % modulus
        if bit == "1":
            result = result * base % modulus
    return result


MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)  # deterministic below 3.3e24


def is_probable_prime(n, bases=MR_BASES):
    if n < 2:
        return False
    for p in bases:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in bases:
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


def own_abridged(payload):
    words = len(payload) // 4
    assert len(payload) % 4 == 0 and words < 1 << 24
    head = bytes([words]) if words < 127 else b"\x7f" + words.to_bytes(3, "little")
    return head + payload


def own_intermediate(payload, padding=b""):
    return struct.pack("<I", len(payload) + len(padding)) + payload + padding


def own_full(payload, seq):
    frame = struct.pack("<Ii", len(payload) + 12, seq) + payload
    return frame + struct.pack("<I", zlib.crc32(frame))


# --------------------------------------------------------------------------
# Telethon connection plumbing without sockets
# --------------------------------------------------------------------------

class FakeWriter:
    def __init__(self):
        self.buffer = bytearray()

    def write(self, data):
        self.buffer += data


class FakeReader:
    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    async def readexactly(self, n):
        assert self.pos + n <= len(self.data), "read past the end of the stream"
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def at_end(self):
        return self.pos == len(self.data)


def open_telethon_connection(cls, dc_id, server_stream=b"", **kwargs):
    """Build a Telethon Connection whose writer/reader are in-memory, then run its
    connection-time hook (_init_conn), exactly as Connection._connect does after the
    socket is open."""
    conn = cls("127.0.0.1", 443, dc_id, loggers=LOGGERS, **kwargs)
    conn._writer = FakeWriter()
    conn._reader = FakeReader(server_stream)
    conn._codec = conn.packet_codec(conn)
    conn._init_conn()
    return conn


def telethon_receive_all(conn, count):
    async def go():
        return [await conn._recv() for _ in range(count)]
    got = asyncio.run(go())
    assert conn._reader.at_end(), "server stream not fully consumed"
    return got


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------

def gen_aes_ige():
    rng = random.Random(0x1CE0001)
    backends = telethon_ige_backends()
    cases = []
    for n in (16, 16, 32, 48, 160, 1024, 1024, 4096):
        key, iv, pt = rbytes(rng, 32), rbytes(rng, 32), rbytes(rng, n)
        ct = own_ige_encrypt(key, iv, pt)
        assert own_ige_decrypt(key, iv, ct) == pt
        for backend in backends:
            with telethon_ige_backend(backend):
                assert TelethonAES.encrypt_ige(pt, key, iv) == ct, (backend, n)
                assert TelethonAES.decrypt_ige(ct, key, iv) == pt, (backend, n)
        cases.append({"key": hx(key), "iv": hx(iv), "plaintext": hx(pt), "ciphertext": hx(ct),
                      "source": "own IGE over cryptography AES-ECB; equals Telethon AES.encrypt_ige/"
                                "decrypt_ige with backends " + "+".join(backends)})
    return cases


def gen_aes_ctr():
    rng = random.Random(0x1CE0002)
    cases = []
    specs = [  # (length, iv kind)
        (1, "random"), (16, "random"), (64, "random"), (1000, "random"),
        (80, "low64_all_ones"),  # carry from the low 64 bits into the high 64 bits
        (80, "all_ones"),        # the 128-bit counter wraps to zero
    ]
    for n, kind in specs:
        key, iv, pt = rbytes(rng, 32), rbytes(rng, 16), rbytes(rng, n)
        if kind == "low64_all_ones":
            iv = iv[:8] + b"\xff" * 7 + b"\xfe"
        elif kind == "all_ones":
            iv = b"\xff" * 15 + b"\xfe"
        ct = own_ctr(key, iv).update(pt)
        assert TelethonCTR(key, iv).encrypt(pt) == ct
        # the same keystream in odd-sized pieces (a stream cipher must not care)
        tl = TelethonCTR(key, iv)
        pieces, i = [], 0
        for step in (3, 13, 17, 31, 1, 64):
            pieces.append(tl.encrypt(pt[i:i + step]))
            i += step
        pieces.append(tl.encrypt(pt[i:]))
        assert b"".join(pieces) == ct
        cases.append({"key": hx(key), "iv": hx(iv), "plaintext": hx(pt), "ciphertext": hx(ct),
                      "source": "cryptography AES-CTR; equals Telethon AESModeCTR (pyaes), whole and in pieces"})
    return cases


def gen_hashes():
    rng = random.Random(0x1CE0003)
    inputs = [b"", b"abc", rbytes(rng, 55), rbytes(rng, 56), rbytes(rng, 64), rbytes(rng, 65),
              rbytes(rng, 1000)]
    out1, out256 = [], []
    for data in inputs:
        d1, d256 = sha1(data), sha256(data)
        assert d1 == hashlib.sha1(data).digest() and d256 == hashlib.sha256(data).digest()
        out1.append({"input": hx(data), "digest": hx(d1), "source": "cryptography; equals hashlib"})
        out256.append({"input": hx(data), "digest": hx(d256), "source": "cryptography; equals hashlib"})
    # well-known answers, as a sanity check of the whole pipeline
    assert out1[1]["digest"] == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert out256[0]["digest"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    return out1, out256


def gen_pbkdf2():
    rng = random.Random(0x1CE0004)
    cases = []
    for iterations in (1, 2, 1000, 100000):
        password, salt = rbytes(rng, 32), rbytes(rng, 8 + rng.randrange(25))
        kdf = PBKDF2HMAC(algorithm=hashes.SHA512(), length=64, salt=salt, iterations=iterations)
        derived = kdf.derive(password)
        assert derived == tl_password.pbkdf2sha512(password, salt, iterations)
        cases.append({"password": hx(password), "salt": hx(salt), "iterations": iterations,
                      "derived": hx(derived),
                      "source": "cryptography PBKDF2HMAC; equals Telethon password.pbkdf2sha512 (hashlib)"})
    return cases


# Telegram's 2048-bit DH prime (also in Telethon's password.check_prime_and_good).
TELEGRAM_DH_PRIME = int(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b", 16)


def gen_modexp():
    rng = random.Random(0x1CE0005)
    p = TELEGRAM_DH_PRIME
    assert p.bit_length() == 2048 and is_probable_prime(p) and is_probable_prime((p - 1) // 2)

    def rand_odd_2048():
        return rng.getrandbits(2048) | (1 << 2047) | 1

    specs = []
    specs.append((3, rng.getrandbits(2048), p))                       # g_a = g^a mod p
    specs.append((rng.randrange(2, p - 1), rng.getrandbits(2048), p))  # g_b^a mod p
    specs.append((rng.randrange(2, p - 1), rng.getrandbits(2048), p))
    m = rand_odd_2048()
    specs.append((rng.randrange(m), 65537, m))                         # RSA-style public op
    m = rand_odd_2048()
    specs.append((rng.randrange(m), 65537, m))
    m = rand_odd_2048()
    specs.append((rng.randrange(m), rng.getrandbits(2048), m))
    m = rand_odd_2048()
    specs.append((rng.getrandbits(1024), rng.getrandbits(64), m))      # small base, 64-bit exponent
    specs.append((rng.randrange(2, p - 1), 0, p))                      # x^0 = 1
    specs.append((0, rng.getrandbits(2048), p))                        # 0^e = 0
    specs.append((1, rng.getrandbits(2048), p))                        # 1^e = 1
    specs.append((p - 1, 2, p))                                        # (-1)^2 = 1
    specs.append((p - 1, 3, p))                                        # (-1)^3 = p-1
    specs.append((2, 2047, p))                                         # 2^2047 < p: no reduction
    cases = []
    for base, exponent, modulus in specs:
        assert modulus % 2 == 1 and 0 <= base < modulus
        result = pow(base, exponent, modulus)
        assert result == own_modexp(base, exponent, modulus)
        size = (modulus.bit_length() + 7) // 8
        cases.append({
            "base": hx(base.to_bytes(size, "big")),
            "exponent": hx(exponent.to_bytes(max(1, (exponent.bit_length() + 7) // 8), "big")),
            "modulus": hx(modulus.to_bytes(size, "big")),
            "result": hx(result.to_bytes(size, "big")),
            "source": "Python pow(); equals own square-and-multiply",
        })
    return cases


def gen_pq():
    rng = random.Random(0x1CE0006)

    def random_prime(bits):
        while True:
            n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
            if is_probable_prime(n):
                return n

    cases, seen = [], set()
    while len(cases) < 20:
        a, b = random_prime(rng.choice((31, 32))), random_prime(rng.choice((31, 32)))
        if a == b:
            continue
        p, q = min(a, b), max(a, b)
        pq = p * q
        if pq in seen:
            continue
        seen.add(pq)
        if sympy is not None:
            assert sympy.isprime(p) and sympy.isprime(q)
        fp, fq = Factorization.factorize(pq)
        assert sorted((fp, fq)) == [p, q], (pq, fp, fq)
        cases.append({"pq": str(pq), "p": str(p), "q": str(q), "pq_hex": hx(pq.to_bytes(8, "big")),
                      "source": "own Miller-Rabin primes" + (" (+ sympy.isprime)" if sympy else "")
                                + "; Telethon Factorization.factorize recovers p, q"})
    return cases


def gen_kdf():
    rng = random.Random(0x1CE0007)
    cases = []
    for i in range(8):
        auth_key, msg_key, x = rbytes(rng, 256), rbytes(rng, 16), (0, 8)[i % 2]
        aes_key, aes_iv = own_kdf(auth_key, msg_key, x)
        assert tl_mtprotostate.MTProtoState._calc_key(auth_key, msg_key, x == 0) == (aes_key, aes_iv)
        cases.append({"auth_key": hx(auth_key), "msg_key": hx(msg_key), "x": x,
                      "aes_key": hx(aes_key), "aes_iv": hx(aes_iv),
                      "source": "own (cryptography SHA-256); equals Telethon MTProtoState._calc_key"})
    return cases


def auth_key_id(auth_key):
    return sha1(auth_key)[12:20]


def own_envelope(auth_key, x, salt, session_id, msg_id, seq_no, body, padding):
    plaintext = (struct.pack("<QQqiI", salt, session_id, msg_id, seq_no, len(body)) + body + padding)
    assert len(plaintext) % 16 == 0 and 12 <= len(padding) <= 1024
    msg_key = sha256(auth_key[88 + x:120 + x] + plaintext)[8:24]
    aes_key, aes_iv = own_kdf(auth_key, msg_key, x)
    packet = auth_key_id(auth_key) + msg_key + own_ige_encrypt(aes_key, aes_iv, plaintext)
    return plaintext, msg_key, aes_key, aes_iv, packet


def gen_envelope():
    rng = random.Random(0x1CE0008)
    base_time = 1_735_000_000
    cases = []

    def minimal_padding(body_len):
        return 12 + (-(32 + body_len + 12) % 16)

    # client -> server, produced by both us and Telethon's encrypt_message_data
    client_bodies = [
        rbytes(rng, 4),
        struct.pack("<Iq", 0x7ABE77EC, rng.getrandbits(63)),  # ping#7abe77ec ping_id:long
        rbytes(rng, 128),
        rbytes(rng, 1000),
        rbytes(rng, 16),
    ]
    paddings = [minimal_padding(len(b)) for b in client_bodies]
    client_bodies.append(rbytes(rng, 128))                      # larger padding: +16*10 bytes
    paddings.append(minimal_padding(128) + 16 * 10)
    for body, pad_len in zip(client_bodies, paddings):
        auth_key = rbytes(rng, 256)
        salt, session_id = rng.getrandbits(63), rng.getrandbits(63)
        msg_id = ((base_time + rng.randrange(86400)) << 32) | (rng.getrandbits(30) << 2)
        seq_no = rng.randrange(0, 200) * 2 + 1
        padding = rbytes(rng, pad_len)
        plaintext, msg_key, aes_key, aes_iv, packet = own_envelope(
            auth_key, 0, salt, session_id, msg_id, seq_no, body, padding)

        # Telethon, independently: MTProtoState.encrypt_message_data (reset() draws the
        # session id from os.urandom, which we then overwrite like the sender would).
        state = tl_mtprotostate.MTProtoState(AuthKey(auth_key), LOGGERS)
        state.salt, state.id = salt, session_id
        assert state.auth_key.key_id.to_bytes(8, "little") == auth_key_id(auth_key)
        inner = struct.pack("<qii", msg_id, seq_no, len(body)) + body
        if pad_len <= 27:
            with scripted_urandom([padding]):
                tl_packet = state.encrypt_message_data(inner)
            assert tl_packet == packet
            source = ("own (cryptography); equals Telethon MTProtoState.encrypt_message_data "
                      "(os.urandom scripted to return this padding)")
        else:
            # Telethon always pads minimally; check by decrypting with Telethon's primitives.
            tl_key, tl_iv = state._calc_key(auth_key, packet[8:24], True)
            for backend in telethon_ige_backends():
                with telethon_ige_backend(backend):
                    assert TelethonAES.decrypt_ige(packet[24:], tl_key, tl_iv) == plaintext
            assert hashlib.sha256(auth_key[88:120] + plaintext).digest()[8:24] == packet[8:24]
            source = ("own (cryptography); Telethon pads minimally, so checked by decrypting with "
                      "Telethon _calc_key(client=True) + AES.decrypt_ige and re-deriving msg_key with hashlib")
        cases.append({
            "direction": "client", "x": 0, "auth_key": hx(auth_key), "auth_key_id": hx(auth_key_id(auth_key)),
            "salt": salt, "session_id": session_id, "msg_id": msg_id, "seq_no": seq_no,
            "body": hx(body), "padding": hx(padding), "plaintext": hx(plaintext), "msg_key": hx(msg_key),
            "aes_key": hx(aes_key), "aes_iv": hx(aes_iv), "packet": hx(packet), "source": source,
        })

    # server -> client: bodies are real TL objects so that Telethon's full
    # decrypt_message_data path (msg_key check, session id check, parse) accepts them.
    def ascii_info(n):  # info is a TL string, Telethon decodes it as UTF-8
        return bytes(rng.randrange(0x20, 0x7F) for _ in range(n))

    server_bodies = [
        bytes(T.InputPeerEmpty()),                                                   # 4 bytes
        bytes(T.Pong(msg_id=rng.getrandbits(63), ping_id=rng.getrandbits(63))),      # 20 bytes
        bytes(T.MsgsStateInfo(req_msg_id=rng.getrandbits(63), info=ascii_info(115))),  # 128 bytes
        bytes(T.MsgsStateInfo(req_msg_id=rng.getrandbits(63), info=ascii_info(984))),  # 1000 bytes
    ]
    assert [len(b) for b in server_bodies] == [4, 20, 128, 1000]
    for i, body in enumerate(server_bodies):
        auth_key = rbytes(rng, 256)
        salt, session_id = rng.getrandbits(63), rng.getrandbits(63)
        now = base_time + rng.randrange(86400)
        msg_id = (now << 32) | (rng.getrandbits(30) << 2) | (1 if i % 2 == 0 else 3)
        seq_no = rng.randrange(0, 200) * 2 + (i % 2)
        pad_len = minimal_padding(len(body)) + (16 * rng.randrange(4) if i >= 2 else 0)
        padding = rbytes(rng, pad_len)
        plaintext, msg_key, aes_key, aes_iv, packet = own_envelope(
            auth_key, 8, salt, session_id, msg_id, seq_no, body, padding)

        state = tl_mtprotostate.MTProtoState(AuthKey(auth_key), LOGGERS)
        state.salt, state.id = salt, session_id
        real_time = tl_mtprotostate.time
        tl_mtprotostate.time = pytypes.SimpleNamespace(time=lambda: float(now))
        try:
            message = state.decrypt_message_data(packet)
        finally:
            tl_mtprotostate.time = real_time
        assert message is not None
        assert message.msg_id == msg_id and message.seq_no == seq_no
        assert bytes(message.obj) == body
        cases.append({
            "direction": "server", "x": 8, "auth_key": hx(auth_key), "auth_key_id": hx(auth_key_id(auth_key)),
            "salt": salt, "session_id": session_id, "msg_id": msg_id, "seq_no": seq_no,
            "body": hx(body), "padding": hx(padding), "plaintext": hx(plaintext), "msg_key": hx(msg_key),
            "aes_key": hx(aes_key), "aes_iv": hx(aes_iv), "packet": hx(packet),
            "source": "own (cryptography); Telethon MTProtoState.decrypt_message_data decrypts it, "
                      "checks msg_key and session_id and parses the body back to the same bytes",
        })
    return cases


def gen_transport():
    rng = random.Random(0x1CE0009)
    sizes = [8, 16, 500, 504, 508, 600, 1024]  # abridged: 504 = 126 words (short), 508 = 127 (long)
    classes = {"abridged": ConnectionTcpAbridged, "intermediate": ConnectionTcpIntermediate,
               "full": ConnectionTcpFull}
    tags = {"abridged": b"\xef", "intermediate": b"\xee" * 4, "full": b""}
    cases = []
    for kind in ("abridged", "intermediate", "full"):
        payloads = [rbytes(rng, n) for n in sizes]
        if kind == "abridged":
            frames = [own_abridged(p) for p in payloads]
        elif kind == "intermediate":
            frames = [own_intermediate(p) for p in payloads]
        else:
            frames = [own_full(p, seq) for seq, p in enumerate(payloads)]
        stream = tags[kind] + b"".join(frames)
        server_stream = b"".join(frames)  # server frames the same way, without a tag

        conn = open_telethon_connection(classes[kind], 2, server_stream)
        for p in payloads:
            conn._send(p)
        assert bytes(conn._writer.buffer) == stream, kind
        assert telethon_receive_all(conn, len(payloads)) == payloads, kind
        cases.append({"kind": kind, "payloads": [hx(p) for p in payloads], "stream": hx(stream),
                      "stream_server": hx(server_stream),
                      "source": f"own framing; client bytes equal Telethon {classes[kind].__name__} "
                                "(_init_conn + _send on an in-memory writer); Telethon's codec reads stream_server back"})
    return cases


FORBIDDEN_FIRST_INTS = {b"HEAD", b"POST", b"GET ", b"OPTI", b"PVrG", b"\xdd" * 4, b"\xee" * 4, b"\x16\x03\x01\x02"}


def random_init(rng, dc_id):
    """64 random bytes acceptable as an obfuscated2 header (the stricter tdlib/Telegram rules,
    a superset of Telethon's), with dc_id already at [60:62]."""
    while True:
        init = bytearray(rbytes(rng, 64))
        if init[0] != 0xEF and bytes(init[:4]) not in FORBIDDEN_FIRST_INTS and init[4:8] != b"\0\0\0\0":
            break
    init[60:62] = dc_id.to_bytes(2, "little", signed=True)
    return bytes(init)


class ObfuscatedIntermediate(tl_connection.ObfuscatedConnection):
    """Telethon's ObfuscatedIO with the intermediate codec (Telethon only ships the abridged one)."""
    obfuscated_io = ObfuscatedIO
    packet_codec = IntermediatePacketCodec


class ObfuscatedPadded(tl_connection.ObfuscatedConnection):
    obfuscated_io = ObfuscatedIO
    packet_codec = RandomizedIntermediatePacketCodec


def gen_obfuscated():
    rng = random.Random(0x1CE000A)
    tags = {"abridged": b"\xef" * 4, "intermediate": b"\xee" * 4, "padded": b"\xdd" * 4}
    specs = [  # (transport, telethon class, dc_id, secret kind)
        ("abridged", ConnectionTcpObfuscated, 2, None),
        ("intermediate", ObfuscatedIntermediate, 4, None),
        ("padded", ObfuscatedPadded, 1, None),
        ("abridged", ConnectionTcpMTProxyAbridged, 5, "plain"),
        ("intermediate", ConnectionTcpMTProxyIntermediate, 2, "plain"),
        ("padded", ConnectionTcpMTProxyRandomizedIntermediate, -2, "dd"),
    ]
    cases = []
    for transport, cls, dc_id, secret_kind in specs:
        init_random = random_init(rng, dc_id)
        secret = None
        while secret_kind:  # Telethon's normalize_secret would strip a leading ee/dd byte
            secret = rbytes(rng, 16)
            if secret[0] not in (0xDD, 0xEE):
                break
        payloads = [rbytes(rng, n) for n in (8, 16, 508, 600, 1024)]
        server_payloads = [rbytes(rng, n) for n in (4, 92, 1024)]
        if transport == "padded":
            paddings = [rbytes(rng, rng.randrange(4)) for _ in payloads]
            server_paddings = [rbytes(rng, rng.randrange(4)) for _ in server_payloads]
        else:
            paddings = [b""] * len(payloads)
            server_paddings = [b""] * len(server_payloads)

        # --- our own computation --------------------------------------------
        init = bytearray(init_random)
        init[56:60] = tags[transport]
        init = bytes(init)
        rev = init[8:56][::-1]
        if secret is None:
            ek, dk = init[8:40], rev[:32]
        else:
            ek, dk = sha256(init[8:40] + secret), sha256(rev[:32] + secret)
        ei, di = init[40:56], rev[32:48]
        enc = own_ctr(ek, ei)
        header = init[:56] + enc.update(init)[56:64]

        def frame(p, pad):
            return own_abridged(p) if transport == "abridged" else own_intermediate(p, pad)

        stream_client = header + b"".join(enc.update(frame(p, pad)) for p, pad in zip(payloads, paddings))
        dec = own_ctr(dk, di)
        stream_server = b"".join(dec.update(frame(p, pad)) for p, pad in zip(server_payloads, server_paddings))

        # --- Telethon ----------------------------------------------------------
        kwargs = {}
        if secret is not None:
            prefix = "dd" if secret_kind == "dd" else ""
            kwargs["proxy"] = ("127.0.0.1", 443, prefix + secret.hex())
        with scripted_urandom([init_random] + [pad for pad in paddings if transport == "padded"]), \
                scripted_randint([len(pad) for pad in paddings] if transport == "padded" else []):
            conn = open_telethon_connection(cls, dc_id, stream_server, **kwargs)
            for p in payloads:
                conn._send(p)
        assert bytes(conn._obfuscation.header) == header, (transport, secret_kind)
        assert bytes(conn._writer.buffer) == stream_client, (transport, secret_kind)
        received = telethon_receive_all(conn, len(server_payloads))
        assert received == server_payloads, (transport, secret_kind)

        what = cls.__name__ if cls.__module__.startswith("telethon") else \
            f"ObfuscatedIO + {cls.packet_codec.__name__}"
        cases.append({
            "transport": transport, "dc_id": dc_id,
            "secret": hx(secret) if secret is not None else None,
            "secret_prefix": "dd" if secret_kind == "dd" else None,
            "init": hx(init), "header": hx(header),
            "encrypt_key": hx(ek), "encrypt_iv": hx(ei), "decrypt_key": hx(dk), "decrypt_iv": hx(di),
            "payloads": [hx(p) for p in payloads], "paddings": [hx(p) for p in paddings],
            "stream_client": hx(stream_client),
            "server_payloads": [hx(p) for p in server_payloads],
            "server_paddings": [hx(p) for p in server_paddings],
            "stream_server": hx(stream_server),
            "source": f"own (cryptography AES-CTR); client bytes equal Telethon {what} (pyaes CTR; "
                      "os.urandom/random.randint scripted), and Telethon reads stream_server back",
        })
    return cases


def build():
    sha1_cases, sha256_cases = gen_hashes()
    return {
        "_meta": {
            "generator": "Scripts/vectors/make_crypto_vectors.py",
            "rerun": "pip install -r Scripts/telethon/requirements.txt cryptography && "
                     "python3 Scripts/vectors/make_crypto_vectors.py",
            "telethon": telethon.__version__,
            "hex": "all byte strings are lowercase hex",
            "schema": SCHEMA,
        },
        "aes_ige": gen_aes_ige(),
        "aes_ctr": gen_aes_ctr(),
        "sha1": sha1_cases,
        "sha256": sha256_cases,
        "pbkdf2_sha512": gen_pbkdf2(),
        "modexp": gen_modexp(),
        "pq": gen_pq(),
        "msg_key_kdf": gen_kdf(),
        "envelope": gen_envelope(),
        "transport": gen_transport(),
        "obfuscated": gen_obfuscated(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output JSON (default: {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the existing file differs from a fresh run")
    args = parser.parse_args(argv)

    if telethon.__version__ != EXPECTED_TELETHON:
        sys.exit(f"error: need Telethon {EXPECTED_TELETHON}, found {telethon.__version__}")

    text = json.dumps(build(), indent=1, sort_keys=True) + "\n"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            sys.exit(f"{args.out} is out of date; re-run {Path(__file__).name}")
        print(f"{args.out} is up to date")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text)} bytes)")


if __name__ == "__main__":
    main()

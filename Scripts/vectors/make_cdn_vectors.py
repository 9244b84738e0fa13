#!/usr/bin/env python3
"""CDN file vectors from Python `cryptography` (pip install cryptography), independent of our Swift code.

  * Decryption (https://core.telegram.org/cdn): a chunk of `upload.cdnFile` bytes at `offset` is
    AES-256-CTR with `encryption_key` and `encryption_iv` whose last 4 bytes are replaced by the
    big-endian `offset / 16`. Each case encrypts a fixed plaintext that way.
  * Hashes: SHA-256 of each decrypted range (`fileHash` offset/limit/hash).
  * Keys: an RSA key generated here, as the PKCS#1 PEM `help.cdnConfig` carries, with its fingerprint:
    the low 64 bits (last 8 bytes, little-endian, signed) of SHA-1 of TL bytes(n) ‖ TL bytes(e).

Re-run from the repository root:
    python3 Scripts/vectors/make_cdn_vectors.py > Tests/TelegramTests/Fixtures/cdn_vectors.json
"""
import hashlib
import json
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY = bytes(range(0x20, 0x40))
IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")


def plaintext(n, seed):
    return bytes((i * 31 + seed) & 0xFF for i in range(n))


def chunk_iv(offset):
    return IV[:12] + struct.pack(">I", offset // 16)


def ctr(data, iv):
    encryptor = Cipher(algorithms.AES(KEY), modes.CTR(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def tl_bytes(b):
    if len(b) < 254:
        out = bytes([len(b)]) + b
    else:
        out = bytes([254]) + struct.pack("<I", len(b))[:3] + b
    return out + bytes((-len(out)) % 4)


def minimal(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


cases = []
for offset, length in [(0, 64), (16, 33), (131072, 4096), (1048576 * 3, 100), (16 * 0xFFFFFFFF, 64)]:
    data = plaintext(length, offset & 0xFF)
    cases.append({
        "offset": offset, "plain": data.hex(), "iv": chunk_iv(offset).hex(),
        "cipher": ctr(data, chunk_iv(offset)).hex(), "sha256": hashlib.sha256(data).hexdigest(),
    })

keys = []
for bits in (2048, 2048):
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = private.public_key().public_numbers()
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    digest = hashlib.sha1(tl_bytes(minimal(numbers.n)) + tl_bytes(minimal(numbers.e))).digest()
    fingerprint = struct.unpack("<q", digest[12:20])[0]
    keys.append({"pem": pem, "fingerprint": fingerprint, "modulus": minimal(numbers.n).hex()})

print(json.dumps({"key": KEY.hex(), "iv": IV.hex(), "chunks": cases, "keys": keys}, indent=1))

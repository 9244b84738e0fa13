#!/usr/bin/env python3
"""FakeTLS (ee MTProxy secret) vectors from Python's standard library alone.

Builds, for fixed inputs, the ClientHello record our client must send and a server answer a
genuine MTProxy would give, following the layout in /work/shared/spec/transports.md §7:

  * ClientHello: a TLS 1.3 browser-like hello (record 16 03 01, handshake padded to 512 bytes),
    SNI = the secret's domain; its 32-byte random (record offset 11) is
    HMAC-SHA256(key = the 16-byte secret, the record with the random zeroed), the last 4 bytes
    XORed with the unix time as int32 little-endian.
  * Server answer: ServerHello record, ChangeCipherSpec 14 03 03 00 01 01, one application-data
    record; its random (offset 11) is HMAC-SHA256(secret, client random || the answer with that
    field zeroed).

The GREASE values, session id and key share come from the fixed "entropy" below, in the order the
Swift builder asks for them (4 GREASE seed bytes, 32 session-id bytes, 32 key-share bytes).

Re-run from the repository root:
    python3 Scripts/vectors/make_faketls_vectors.py > Tests/MTProtoTests/Fixtures/faketls_vectors.json
"""
import hashlib
import hmac
import json
import struct

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
DOMAIN = "www.example.com"
UNIX_TIME = 1_700_000_000
GREASE_SEED = bytes([0x01, 0x02, 0x03, 0x04])
SESSION_ID = bytes(range(0x40, 0x60))
KEY_SHARE = bytes(range(0x80, 0xA0))


def be16(n):
    return struct.pack(">H", n)


def ext(kind, data):
    return be16(kind) + be16(len(data)) + data


def grease(seed_byte):
    n = seed_byte & 0x0F
    return (n << 12) | 0x0A00 | (n << 4) | 0x0A


def client_hello_unsigned():
    g = [grease(b) for b in GREASE_SEED]  # the seed's nibbles are distinct here
    name = DOMAIN.encode("ascii")
    body = b"\x03\x03" + bytes(32) + b"\x20" + SESSION_ID
    suites = [g[0], 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
              0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
    body += be16(2 * len(suites)) + b"".join(be16(s) for s in suites) + b"\x01\x00"
    e = ext(g[1], b"")
    e += ext(0x0000, be16(len(name) + 3) + b"\x00" + be16(len(name)) + name)  # server_name
    e += ext(0x0017, b"")  # extended_master_secret
    e += ext(0xFF01, b"\x00")  # renegotiation_info
    e += ext(0x000A, be16(8) + b"".join(be16(x) for x in [g[2], 0x001D, 0x0017, 0x0018]))  # groups
    e += ext(0x000B, b"\x01\x00")  # ec_point_formats
    e += ext(0x0023, b"")  # session_ticket
    e += ext(0x0010, be16(12) + b"\x02h2\x08http/1.1")  # ALPN
    e += ext(0x0005, b"\x01\x00\x00\x00\x00")  # status_request
    sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    e += ext(0x000D, be16(2 * len(sigs)) + b"".join(be16(x) for x in sigs))
    e += ext(0x0012, b"")  # signed_certificate_timestamp
    share = be16(g[2]) + be16(1) + b"\x00" + be16(0x001D) + be16(32) + KEY_SHARE
    e += ext(0x0033, be16(len(share)) + share)  # key_share
    e += ext(0x002D, b"\x01\x01")  # psk_key_exchange_modes
    e += ext(0x002B, b"\x06" + b"".join(be16(x) for x in [g[3], 0x0304, 0x0303]))  # versions
    e += ext(0x001B, b"\x02\x00\x02")  # compress_certificate
    e += ext(g[3] ^ 0x1010, b"\x00")
    unpadded = 4 + len(body) + 2 + len(e)
    if unpadded + 4 <= 512:
        e += ext(0x0015, bytes(512 - unpadded - 4))  # padding
    body += be16(len(e)) + e
    handshake = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + be16(len(handshake)) + handshake


def client_digest(record):
    mac = bytearray(hmac.new(KEY, record, hashlib.sha256).digest())
    tail = struct.unpack("<I", bytes(mac[28:32]))[0] ^ (UNIX_TIME & 0xFFFFFFFF)
    mac[28:32] = struct.pack("<I", tail)
    return bytes(mac)


def server_answer(client_random):
    hello = b"\x03\x03" + bytes(32) + b"\x20" + SESSION_ID + b"\x13\x01\x00"
    hello += be16(46) + ext(0x0033, be16(0x001D) + be16(32) + bytes(range(0xC0, 0xE0))) + ext(0x002B, b"\x03\x04")
    handshake = b"\x02" + struct.pack(">I", len(hello))[1:] + hello
    answer = b"\x16\x03\x03" + be16(len(handshake)) + handshake
    answer += b"\x14\x03\x03\x00\x01\x01"
    fake_certificate = bytes((i * 7) & 0xFF for i in range(300))
    answer += b"\x17\x03\x03" + be16(len(fake_certificate)) + fake_certificate
    random = hmac.new(KEY, client_random + answer, hashlib.sha256).digest()
    return answer[:11] + random + answer[43:]


def main():
    unsigned = client_hello_unsigned()
    assert len(unsigned) == 517, len(unsigned)
    random = client_digest(unsigned)
    record = unsigned[:11] + random + unsigned[43:]
    answer = server_answer(random)
    print(json.dumps({
        "key": KEY.hex(),
        "domain": DOMAIN,
        "unix_time": UNIX_TIME,
        "grease_seed": GREASE_SEED.hex(),
        "session_id": SESSION_ID.hex(),
        "key_share": KEY_SHARE.hex(),
        "client_hello": record.hex(),
        "client_random": random.hex(),
        "server_answer": answer.hex(),
        "source": "Scripts/vectors/make_faketls_vectors.py (Python hashlib/hmac)",
    }, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

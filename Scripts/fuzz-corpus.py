#!/usr/bin/env python3
"""Writes the seed inputs of FuzzHandshake and FuzzEnvelope that each reach one named check.

The harnesses (Sources/MTProtoFuzzing) read the input as a stream of decisions, byte 0 being the
well-formed choice. Tests/MTProtoTests/FuzzCorpusReachTests.swift runs every file written here and
asserts the typed error (or event) its name promises, so the harnesses are known to reach each check.
    python3 Scripts/fuzz-corpus.py
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "Corpus")

# FuzzHandshake: resPQ mode, server_DH_params mode, g, dh_prime mode (+ its bytes), g_a mode (+ its
# bytes), server_time (4, XORed with now), padding, [encrypted_answer chunk for mode 7], dh_gen answers.
def dh(mode=0, g=0, prime=(0,), ga=(0,), padding=0, chunk=None, answers=(0,)):
    out = [0, mode, g, *prime, *ga, 0, 0, 0, 0, padding]
    if chunk is not None:
        out += [len(chunk), *chunk]
    return bytes(out + list(answers))

HANDSHAKE = {
    "check-established": dh(),
    "check-respq-nonce": bytes([1]),
    "check-respq-fingerprints": bytes([2, 1, 1, 2, 3, 4, 5, 6, 7, 8]),
    "check-respq-pq": bytes([3, 0]),
    "check-respq-raw": bytes([4, 4, 0xDE, 0xAD, 0xBE, 0xEF]),
    "check-respq-wrong-step": bytes([5]),
    "check-dh-fail-refused": bytes([0, 1]),
    "check-dh-fail-hash": bytes([0, 2]),
    "check-dh-fail-nonce": bytes([0, 3]),
    "check-dh-fail-server-nonce": bytes([0, 4]),
    "check-dh-nonce": dh(mode=5),
    "check-dh-server-nonce": dh(mode=6),
    "check-dh-answer-length": dh(mode=7, chunk=[7] * 17),
    "check-dh-answer-garbage": dh(mode=7, chunk=[7] * 32),
    "check-dh-answer-sha1": dh(mode=8),
    "check-dh-answer-padding": dh(padding=1),
    "check-dh-inner-nonce": dh(mode=9),
    "check-dh-inner-server-nonce": dh(mode=10),
    "check-dh-raw": bytes([0, 11, 0, 0, 0, 4, 1, 2, 3, 4]),
    "check-prime-leading-zero": dh(prime=(1,)),
    "check-prime-changed": dh(prime=(2, 255, 2)),
    "check-prime-short": dh(prime=(3,)),
    "check-prime-other-safe": dh(g=2, prime=(4,)),
    "check-prime-raw": dh(prime=(5, 1, 7)),
    "check-generator-8": dh(g=8),
    "check-generator-negative": dh(g=0xFF),
    "check-ga-one": dh(ga=(1,)),
    "check-ga-below-margin": dh(ga=(2,)),
    "check-ga-at-margin": dh(ga=(3,)),
    "check-ga-at-top-margin": dh(ga=(4,)),
    "check-ga-above-top-margin": dh(ga=(5,)),
    "check-ga-p-minus-one": dh(ga=(6,)),
    "check-ga-raw": dh(ga=(7, 2, 1, 0)),
    "check-gen-retry-then-ok": dh(answers=(1, 0)),
    "check-gen-fail": dh(answers=(2,)),
    "check-gen-ok-hash": dh(answers=(4,)),
    "check-gen-ok-other-number": dh(answers=(8,)),
    "check-gen-retry-hash": dh(answers=(5,)),
    "check-gen-fail-hash": dh(answers=(6,)),
    "check-gen-nonce": dh(answers=(12,)),
    "check-gen-server-nonce": dh(answers=(16,)),
    "check-gen-raw": dh(answers=(3, 4, 9, 9, 9, 9)),
    "check-gen-too-many-retries": dh(answers=(1, 1, 1, 1, 1, 1)),
}

# FuzzEnvelope: rounds of [packet mode, message kind, fields...]. Client msg_ids by index: 0 the
# container, 1 ping, 2 help.getConfig, 3 get_future_salts, 4 destroy_auth_key, 5 help.getNearestDc.
SALT = [0, 0, 0, 0, 0, 0, 0x12, 0x34]
FAR = [0x7F, 0, 0, 0, 0, 0, 0, 1]
ENVELOPE = {
    "check-rpc-result": bytes([0, 0, 2, 0]),
    "check-rpc-error": bytes([0, 0, 2, 1, 1, 0]),
    "check-rpc-gzip": bytes([0, 0, 2, 2]),
    "check-rpc-gzip-error": bytes([0, 0, 2, 6, 0, 0]),
    "check-rpc-dropped": bytes([0, 0, 2, 5]),
    "check-container-results": bytes([0, 13, 1, 0, 2, 0, 0, 5, 0]),
    "check-gzip-result": bytes([0, 14, 0, 2, 0]),
    "check-pong": bytes([0, 5, 1]),
    "check-future-salts": bytes([0, 6, 3, 1, 0, *SALT]),
    "check-destroy-auth-key": bytes([0, 15, 0]),
    "check-bad-msg-64": bytes([0, 2, 2, 10]),
    "check-bad-msg-16": bytes([0, 2, 0, 0]),
    "check-bad-msg-17": bytes([0, 2, 1, 1]),
    "check-bad-msg-32": bytes([0, 2, 2, 5]),
    "check-bad-server-salt": bytes([0, 3, 1, *SALT]),
    "check-ack-then-reconnect": bytes([0, 1, 1, 2, 8, 16]),
    "check-state-request": bytes([0, 9, 1, 1]),
    "check-resend-request": bytes([0, 12, 1, 1]),
    "check-resend-request-unknown": bytes([0, 12, 1, 0xFF, *FAR]),
    "check-new-detailed-info": bytes([0, 8, 0xFF, *FAR]),
    "check-new-session": bytes([0, 4, 0xFF, *FAR, *SALT]),
    "check-updates": bytes([0, 18]),
    "check-mac": bytes([5, 16, 0, 0x30, 1]),
    "check-wrong-session": bytes([1, 16]),
    "check-even-id": bytes([2, 16]),
    "check-old-id": bytes([3, 16]),
    "check-replay": bytes([0, 18, 4]),
    "check-future-id": bytes([7, 16]),
    "check-raw-packet": bytes([6, 4, 1, 2, 3, 4]),
}

for target, table in (("FuzzHandshake", HANDSHAKE), ("FuzzEnvelope", ENVELOPE)):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("check-") and name not in table:
            os.remove(os.path.join(folder, name))
    for name, data in table.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
print(f"{len(HANDSHAKE)} handshake and {len(ENVELOPE)} envelope seeds written")

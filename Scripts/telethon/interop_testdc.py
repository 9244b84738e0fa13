#!/usr/bin/env python3
"""Interop check: a real Telethon 1.45 client against our `testdc`.

Starts the test data centre (`testdc --port 0 --rsa-key-out FILE`), registers its RSA key with
Telethon, and for each TCP framing (abridged, intermediate, full) lets Telethon complete the
auth-key exchange with our server, then call `help.getConfig` and `ping`. Telethon is an independent
implementation, so this proves our server side (and with it the shared core) speaks real MTProto.

Usage (from the repository root, after `swift build --product testdc`):

    pip install -r Scripts/telethon/requirements.txt
    python3 Scripts/telethon/interop_testdc.py [PATH_TO_TESTDC]

Prints one line per transport and a closing `interop: N passed, M failed`; exit status 1 on any failure.
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile

from telethon import TelegramClient, functions
from telethon.crypto import rsa
from telethon.network import ConnectionTcpAbridged, ConnectionTcpFull, ConnectionTcpIntermediate
from telethon.sessions import MemorySession

TRANSPORTS = [
    ("abridged", ConnectionTcpAbridged),
    ("intermediate", ConnectionTcpIntermediate),
    ("full", ConnectionTcpFull),
]


async def check(name, connection, dc, port):
    session = MemorySession()
    session.set_dc(dc, "127.0.0.1", port)
    client = TelegramClient(session, api_id=1, api_hash="0" * 32, connection=connection,
                            receive_updates=False, connection_retries=1, timeout=10)
    try:
        await asyncio.wait_for(client.connect(), 30)
        config = await asyncio.wait_for(client(functions.help.GetConfigRequest()), 30)
        assert config.this_dc == dc, f"this_dc {config.this_dc} != {dc}"
        pong = await asyncio.wait_for(client(functions.PingRequest(ping_id=0x1234)), 30)
        assert pong.ping_id == 0x1234, f"ping_id {pong.ping_id}"
        print(f"ok {name}: key exchange, help.getConfig (this_dc={config.this_dc}), ping")
        return True
    except Exception as error:  # noqa: BLE001 - report every failure
        print(f"FAIL {name}: {type(error).__name__}: {error}")
        return False
    finally:
        await client.disconnect()


async def main():
    testdc = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/testdc"
    with tempfile.TemporaryDirectory() as folder:
        key_path = os.path.join(folder, "testdc.pem")
        process = subprocess.Popen([testdc, "--port", "0", "--rsa-key-out", key_path],
                                   stdout=subprocess.PIPE, text=True)
        try:
            ready = json.loads(process.stdout.readline())
            with open(key_path, "rb") as f:
                rsa.add_key(f.read(), old=False)
            passed = failed = 0
            for name, connection in TRANSPORTS:
                if await check(name, connection, ready["dc"], ready["port"]):
                    passed += 1
                else:
                    failed += 1
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"interop: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

#!/usr/bin/env python3
"""An unmodified Pyrogram client through its usual paths against our `testdc`.

Pyrogram itself (2.0.106, the last release of the original project) speaks layer 158, which
`testdc` does not: it decodes the layer of `schema/api.tl` (229). Its maintained fork Kurigram
2.2.26 keeps Pyrogram's package name and API and speaks layer 229, so that is the client run here
(`pip install -r Scripts/pyrogram/requirements.txt`).

Starts `testdc` with a simulated Telegram (an account with a 2FA password, two other users, a basic
group and a channel, each with a few messages), logs Pyrogram in with the code and the password
through its own `start()`, and runs `get_me`, `send_message` to a user, the group and the channel,
`get_chat_history`, `get_messages`, `get_dialogs` and `read_chat_history`, asserting each result.
Pyrogram is an independent client, so this checks that TestDC answers its calls as Telegram does.

Pyrogram has no option for a server address: a new session starts at Telegram's DC 2, so the
storage below records testdc's DC and address instead of those two hard-coded values (every later
address comes from testdc's `help.getConfig`, as with Telegram), and testdc's RSA key is added to
Pyrogram's table of server keys.

Usage (from the repository root, after `swift build --product testdc`):

    python3 Scripts/pyrogram/pyrogram_paths.py [PATH_TO_TESTDC]

Prints one line per step and `pyrogram paths: N passed, M failed`; exit status 1 on any failure.
"""

import asyncio
import hashlib
import os
import sys

import rsa as rsa_keys  # Pyrogram's own dependency chain lacks it; Telethon's brings it (requirements.txt pins it)
from pyrogram import Client, enums
from pyrogram.crypto import rsa as pyrogram_rsa
from pyrogram.storage import SQLiteStorage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testdc_seeded import CODE, PASSWORD, PHONE, Steps, with_seeded_testdc  # noqa: E402

PYROGRAM_FIRST_ADDRESSES = {"149.154.167.51", "2001:67c:4e8:f002::a", "149.154.167.40", "2001:67c:4e8:f002::e"}


class TestDCStorage(SQLiteStorage):
    """Pyrogram's in-memory storage, with testdc's DC, address and port in place of the DC 2 that
    Pyrogram writes into a new session."""

    def __init__(self, dc, port):
        super().__init__("testdc", workdir=".", in_memory=True)
        self.testdc = (dc, port)
        self.first_address = False

    async def dc_id(self, value=object):
        if value is not object and await self.server_address() is None:
            value = self.testdc[0]
        return await super().dc_id(value)

    async def server_address(self, value=object):
        if value in PYROGRAM_FIRST_ADDRESSES:
            value, self.first_address = "127.0.0.1", True
        return await super().server_address(value)

    async def port(self, value=object):
        if value is not object and self.first_address:
            value, self.first_address = self.testdc[1], False
        return await super().port(value)


def tl_bytes(data):
    """TL `bytes` encoding (length prefix, padding to 4), for the key fingerprint."""
    if len(data) < 254:
        head = bytes([len(data)])
    else:
        head = bytes([254]) + len(data).to_bytes(3, "little")
    body = head + data
    return body + bytes(-len(body) % 4)


def add_server_key(pem):
    """Adds testdc's RSA key to Pyrogram's table under Telegram's fingerprint: the low 64 bits of
    SHA-1 over the TL-serialised modulus and exponent, as a signed integer."""
    key = rsa_keys.PublicKey.load_pkcs1(pem)
    n = key.n.to_bytes((key.n.bit_length() + 7) // 8, "big")
    e = key.e.to_bytes((key.e.bit_length() + 7) // 8, "big")
    fingerprint = int.from_bytes(hashlib.sha1(tl_bytes(n) + tl_bytes(e)).digest()[-8:], "little", signed=True)
    pyrogram_rsa.server_public_keys[fingerprint] = pyrogram_rsa.PublicKey(key.n, key.e)


async def run(dc, port, pem, steps):
    add_server_key(pem)
    client = Client("testdc", api_id=1, api_hash="0" * 32, storage_engine=TestDCStorage(dc, port),
                    phone_number=PHONE, phone_code=CODE, password=PASSWORD, no_updates=True)

    async def login():
        await client.start()
        assert client.is_connected and client.me is not None, client.me
        return "code and 2FA password"

    async def get_me():
        me = await client.get_me()
        assert me.id == 1000 and me.is_self, me
        return f"id {me.id}"

    async def send_to_user():
        sent = await client.send_message("alice_test", "hello alice")
        assert sent.id > 0 and sent.text == "hello alice" and sent.outgoing, sent
        return f"message {sent.id}"

    async def dialogs():
        found = [d async for d in client.get_dialogs()]
        names = {d.chat.title or d.chat.first_name for d in found}
        assert {"Alice", "Demo group", "Demo channel"} <= names, names
        group = next(d for d in found if d.chat.title == "Demo group")
        channel = next(d for d in found if d.chat.title == "Demo channel")
        assert group.chat.type == enums.ChatType.GROUP, group.chat.type
        assert channel.chat.type == enums.ChatType.SUPERGROUP, channel.chat.type
        assert channel.unread_messages_count >= 1, channel.unread_messages_count
        return f"{len(found)} dialogs"

    async def group_id():
        return [d.chat.id async for d in client.get_dialogs() if d.chat.title == "Demo group"][0]

    async def send_to_group():
        chat = await group_id()
        sent = await client.send_message(chat, "hello group")
        assert sent.text == "hello group" and sent.chat.id == chat, sent
        return f"message {sent.id}"

    async def send_to_channel():
        sent = await client.send_message("demo_channel", "hello channel")
        assert sent.text == "hello channel" and sent.chat.username == "demo_channel", sent
        return f"message {sent.id}"

    async def history():
        texts = [m.text async for m in client.get_chat_history("demo_channel")]
        assert texts[0] == "hello channel" and "news 1" in texts, texts
        latest = [m async for m in client.get_chat_history("demo_channel", limit=2)]
        assert [m.text for m in latest] == texts[:2], latest
        by_id = await client.get_messages("demo_channel", [latest[0].id, 99999])
        assert by_id[0].text == texts[0] and by_id[1].empty, by_id
        private = [m.text async for m in client.get_chat_history("alice_test", limit=10)]
        assert private[0] == "hello alice" and "hi 1" in private, private
        return f"{len(texts)} channel messages, {len(private)} private"

    async def read():
        for chat in ["alice_test", "demo_channel", await group_id()]:
            assert await client.read_chat_history(chat), chat
        unread = {(d.chat.title or d.chat.first_name): d.unread_messages_count async for d in client.get_dialogs()}
        assert unread["Alice"] == 0 and unread["Demo channel"] == 0 and unread["Demo group"] == 0, unread
        return "user, group and channel read"

    try:
        await steps.run_all([("login", login), ("get_me", get_me), ("send_message to a user", send_to_user),
                             ("get_dialogs", dialogs), ("send_message to a group", send_to_group),
                             ("send_message to a channel", send_to_channel),
                             ("get_chat_history/get_messages", history), ("read_chat_history", read)])
    finally:
        if client.is_connected:
            await client.stop()


async def main():
    testdc = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/testdc"
    steps = Steps()
    await with_seeded_testdc(testdc, lambda dc, port, pem: run(dc, port, pem, steps))
    return steps.report("pyrogram paths")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

#!/usr/bin/env python3
"""An unmodified Telethon 1.45 client through its usual paths against our `testdc`.

Starts `testdc` with a simulated Telegram (an account with a 2FA password, two other users, a basic
group and a supergroup, each with a few messages), logs Telethon in with the code and the
password, and runs `get_me`, `send_message` to a user, the group and the supergroup,
`get_messages`/`iter_messages`, `get_dialogs`, `send_read_acknowledge`, asserting each result.
Telethon is an independent client, so this checks that TestDC answers its calls as Telegram does.

Usage (from the repository root, after `swift build --product testdc`):

    python3 Scripts/telethon/telethon_paths.py [PATH_TO_TESTDC]

Prints one line per step and `telethon paths: N passed, M failed`; exit status 1 on any failure.
"""

import asyncio
import os
import sys

from telethon import TelegramClient, utils
from telethon.crypto import rsa
from telethon.sessions import MemorySession

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testdc_seeded import CODE, PASSWORD, PHONE, Steps, with_seeded_testdc  # noqa: E402


async def run(dc, port, pem, steps):
    rsa.add_key(pem, old=False)
    session = MemorySession()
    session.set_dc(dc, "127.0.0.1", port)
    client = TelegramClient(session, api_id=1, api_hash="0" * 32, connection_retries=1, timeout=10)

    async def login():
        await client.start(phone=PHONE, code_callback=lambda: CODE, password=PASSWORD)
        assert await client.is_user_authorized()
        return "code and 2FA password"

    async def get_me():
        me = await client.get_me()
        assert me.id == 1000 and me.is_self, me
        return f"id {me.id}"

    async def send_to_user():
        alice = await client.get_entity("alice_test")
        sent = await client.send_message(alice, "hello alice")
        assert sent.id > 0 and sent.message == "hello alice" and sent.out, sent
        return f"message {sent.id}"

    async def dialogs():
        found = await client.get_dialogs()
        names = {d.name for d in found}
        assert {"Alice", "Demo group", "Demo channel"} <= names, names
        group = next(d for d in found if d.name == "Demo group")
        channel = next(d for d in found if d.name == "Demo channel")
        assert group.is_group and not group.is_channel, group
        assert channel.is_channel and channel.is_group, channel
        assert channel.unread_count >= 1, channel.unread_count
        return f"{len(found)} dialogs"

    async def send_to_group():
        group = next(d for d in await client.get_dialogs() if d.name == "Demo group")
        sent = await client.send_message(group.entity, "hello group")
        assert sent.message == "hello group" and utils.get_peer_id(sent.peer_id) == group.id, sent
        return f"message {sent.id}"

    async def send_to_channel():
        channel = await client.get_entity("demo_channel")
        sent = await client.send_message(channel, "hello channel")
        assert sent.message == "hello channel" and sent.peer_id.channel_id == channel.id, sent
        return f"message {sent.id}"

    async def history():
        channel = await client.get_entity("demo_channel")
        texts = [m.message async for m in client.iter_messages(channel, limit=None)]
        assert texts[0] == "hello channel" and "news 1" in texts, texts
        latest = await client.get_messages(channel, limit=2)
        assert [m.message for m in latest] == texts[:2], latest
        by_id = await client.get_messages(channel, ids=[latest[0].id, 99999])
        assert by_id[0].message == texts[0] and by_id[1] is None, by_id
        alice = await client.get_entity("alice_test")
        private = [m.message async for m in client.iter_messages(alice, limit=10)]
        assert private[0] == "hello alice" and "hi 1" in private, private
        return f"{len(texts)} channel messages, {len(private)} private"

    async def read():
        for entity in [await client.get_entity("alice_test"), await client.get_entity("demo_channel"),
                       next(d for d in await client.get_dialogs() if d.name == "Demo group").entity]:
            assert await client.send_read_acknowledge(entity), entity
        unread = {d.name: d.unread_count for d in await client.get_dialogs()}
        assert unread["Alice"] == 0 and unread["Demo channel"] == 0 and unread["Demo group"] == 0, unread
        return "user, group and channel read"

    try:
        await steps.run_all([("login", login), ("get_me", get_me), ("send_message to a user", send_to_user),
                             ("get_dialogs", dialogs), ("send_message to a group", send_to_group),
                             ("send_message to a channel", send_to_channel),
                             ("get_messages/iter_messages", history), ("send_read_acknowledge", read)])
    finally:
        await client.disconnect()


async def main():
    testdc = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/testdc"
    steps = Steps()
    await with_seeded_testdc(testdc, lambda dc, port, pem: run(dc, port, pem, steps))
    return steps.report("telethon paths")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

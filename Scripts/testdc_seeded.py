"""What the independent-client path scripts share (`telethon/telethon_paths.py`,
`pyrogram/pyrogram_paths.py`): a `testdc` process seeded with the same simulated Telegram, and the
step runner that prints one line per step and counts the failures.

The seeded world: the account `PHONE` with the 2FA password `PASSWORD` (login code `CODE`), two
other users (`alice_test`, `bob_test`), a basic group "Demo group" and a channel `demo_channel`
("Demo channel"), each with three messages.
"""

import asyncio
import json
import os
import subprocess
import tempfile

PHONE = "15550001000"
PASSWORD = "hunter2"
CODE = "12345"

SEED_ARGUMENTS = [
    "--port", "0", "--dc", "1", "--telegram-account", PHONE, "--telegram-password", PASSWORD,
    "--telegram-user", "alice_test", "--telegram-user", "bob_test", "--telegram-group", "Demo group",
    "--telegram-channel", "demo_channel", "--telegram-seed-messages", "3",
]


class Steps:
    """Runs named steps, each within 60 s, printing `ok NAME: detail` or `FAIL NAME: error`."""

    def __init__(self):
        self.results = []

    async def run(self, name, body):
        """Runs one step; returns whether it passed."""
        try:
            detail = await asyncio.wait_for(body(), 60)
            print(f"ok {name}{': ' + detail if detail else ''}")
            self.results.append(True)
        except Exception as error:  # noqa: BLE001 - report every failure
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            self.results.append(False)
        return self.results[-1]

    async def run_all(self, steps):
        """Runs (name, body) pairs in order; stops after a failed first step (the login)."""
        for index, (name, body) in enumerate(steps):
            if not await self.run(name, body) and index == 0:
                break

    def report(self, label):
        """Prints `LABEL: N passed, M failed`; the exit status (1 on any failure or no step)."""
        passed = sum(self.results)
        failed = len(self.results) - passed
        print(f"{label}: {passed} passed, {failed} failed")
        return 0 if failed == 0 and passed > 0 else 1


async def with_seeded_testdc(testdc, body):
    """Starts `testdc` seeded as above, calls `body(dc, port, pem)` with its DC, port and RSA public
    key (PEM bytes), and stops the process however `body` ends."""
    with tempfile.TemporaryDirectory() as folder:
        key_path = os.path.join(folder, "testdc.pem")
        process = subprocess.Popen([testdc, "--rsa-key-out", key_path] + SEED_ARGUMENTS,
                                   stdout=subprocess.PIPE, text=True)
        try:
            ready = json.loads(process.stdout.readline())
            with open(key_path, "rb") as f:
                pem = f.read()
            await body(ready["dc"], ready["port"], pem)
        finally:
            process.terminate()
            process.wait(timeout=10)

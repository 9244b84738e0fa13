#!/usr/bin/env bash
# The example userbots of Examples/, built and run against a testdc that simulates Telegram:
#   away-responder: one answer per person per day, also across a restart, and none to a contact;
#   channel-forwarder: every post of a channel forwarded once, also those posted while it was killed
#   (before it ever saw a post there, too);
#   echo-userbot (the README's example): answers hello, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
for product in testdc tg away-responder channel-forwarder echo-userbot; do swift build --product "$product" >/dev/null; done
bin=$(swift build --show-bin-path)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Waits up to 10 s for a command to succeed.
eventually() { for _ in $(seq 1 100); do if "$@"; then return 0; fi; sleep 0.1; done; return 1; }

"$bin/testdc" --port 0 --rsa-key-out "$tmp/dc.pem" --telegram-account +15550001000 --telegram-user alice_test \
  --telegram-user bob_test --telegram-contact bob_test --telegram-broadcast news_demo > "$tmp/dc.json" 2>/dev/null &
pids+=($!)
eventually test -s "$tmp/dc.json" || fail "testdc did not start"
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['port'])" "$tmp/dc.json")
export TG_API_ID=1 TG_API_HASH=0123456789abcdef0123456789abcdef TG_SERVER="127.0.0.1:$port" TG_DC=2 TG_RSA_KEY="$tmp/dc.pem" TG_CODE=12345
me() { TG_SESSION="$tmp/me.session" "$@"; }
alice() { TG_SESSION="$tmp/alice.session" "$@"; }
me "$bin/tg" login --phone +15550001000 >/dev/null || fail "tg login of the account"
alice "$bin/tg" login --phone +15550002001 >/dev/null || fail "tg login of alice"
bob() { TG_SESSION="$tmp/bob.session" "$@"; }
bob "$bin/tg" login --phone +15550002002 >/dev/null || fail "tg login of bob"

# away-responder
start_responder() { TG_SESSION="$tmp/me.session" AWAY_TEXT="away until Monday" "$bin/away-responder" > "$tmp/away.out" 2>&1 & responder=$!; pids+=($responder)
  eventually grep -q "away responder running" "$tmp/away.out" || fail "away-responder did not start: $(cat "$tmp/away.out")"; }
answers() { alice "$bin/tg" history +15550001000 --limit 50 --json | grep -c '"text":"away until Monday"' || true; }
answers_to_bob() { bob "$bin/tg" history +15550001000 --limit 50 --json | grep -c '"text":"away until Monday"' || true; }
start_responder
# bob is a contact: written to first, he gets no answer, while alice after him does.
bob "$bin/tg" send +15550001000 "hi, it's bob" >/dev/null
alice "$bin/tg" send +15550001000 "hello" >/dev/null
eventually test "$(answers)" = 1 || fail "away-responder did not answer the first message: $(cat "$tmp/away.out")"
[ "$(answers_to_bob)" = 0 ] || fail "away-responder answered a contact"
alice "$bin/tg" send +15550001000 "are you there?" >/dev/null
sleep 2
[ "$(answers)" = 1 ] || fail "away-responder answered twice on one day"
kill "$responder"; wait "$responder" 2>/dev/null || true
start_responder
alice "$bin/tg" send +15550001000 "still away?" >/dev/null
sleep 2
[ "$(answers)" = 1 ] || fail "away-responder answered again after a restart"
kill "$responder"; wait "$responder" 2>/dev/null || true

# channel-forwarder
start_forwarder() { TG_SESSION="$tmp/me.session" FORWARD_FROM=@news_demo FORWARD_TO=@alice_test "$bin/channel-forwarder" > "$tmp/fwd.out" 2>&1 & forwarder=$!; pids+=($forwarder)
  eventually grep -q "^forwarding" "$tmp/fwd.out" || fail "channel-forwarder did not start: $(cat "$tmp/fwd.out")"; }
copies() { alice "$bin/tg" history +15550001000 --limit 100 --json | grep -c "\"text\":\"$1\"" || true; }
# Killed right after its first start, before any post: what is posted meanwhile still comes.
start_forwarder
kill -9 "$forwarder"; wait "$forwarder" 2>/dev/null || true
alice "$bin/tg" send @news_demo "post 1" >/dev/null
start_forwarder
eventually test "$(copies "post 1")" = 1 || fail "post 1 (sent before the forwarder ever saw a post) was not forwarded: $(cat "$tmp/fwd.out")"
kill -9 "$forwarder"; wait "$forwarder" 2>/dev/null || true
alice "$bin/tg" send @news_demo "post 2" >/dev/null
alice "$bin/tg" send @news_demo "post 3" >/dev/null
start_forwarder
eventually test "$(copies "post 3")" = 1 || fail "post 3 (sent while the forwarder was down) was not forwarded: $(cat "$tmp/fwd.out")"
alice "$bin/tg" send @news_demo "post 4" >/dev/null
eventually test "$(copies "post 4")" = 1 || fail "post 4 was not forwarded"
for post in "post 1" "post 2" "post 3" "post 4"; do
  [ "$(copies "$post")" = 1 ] || fail "$post was forwarded $(copies "$post") times"
done
kill "$forwarder"; wait "$forwarder" 2>/dev/null || true

# echo-userbot (the README's example)
TG_SESSION="$tmp/me.session" stdbuf -oL "$bin/echo-userbot" > "$tmp/echo.out" 2>&1 & echo_bot=$!; pids+=($echo_bot)
eventually grep -q "echo userbot running" "$tmp/echo.out" || fail "echo-userbot did not start: $(cat "$tmp/echo.out")"
greetings() { alice "$bin/tg" history +15550001000 --limit 100 --json | grep -c '"text":"Hello, Alice!"' || true; }
alice "$bin/tg" send +15550001000 "no greeting here" >/dev/null
alice "$bin/tg" send +15550001000 "well, HELLO there" >/dev/null
eventually test "$(greetings)" = 1 || fail "echo-userbot did not answer hello: $(cat "$tmp/echo.out")"
sleep 1
[ "$(greetings)" = 1 ] || fail "echo-userbot answered $(greetings) times, expected once"
echo "examples: 3 passed, 0 failed"

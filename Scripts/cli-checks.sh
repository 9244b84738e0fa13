#!/usr/bin/env bash
# Exit codes and outputs of tlgen, tldump, testdc and userbot, as a user sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tlgen >/dev/null
swift build --product tldump >/dev/null
swift build --product testdc >/dev/null
swift build --product userbot >/dev/null
swift build --product tg >/dev/null
bin=$(swift build --show-bin-path)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# tlgen --check: a summary line per file, exit 0.
out=$(swift run --skip-build tlgen --check schema/api.tl schema/mtproto.tl Tests/TLGenTests/Fixtures/api-layer225-published.tl --layer 225 2>/dev/null)
echo "$out"
echo "$out" | grep -q "^api.tl: .* constructors, .* functions, .* types, layer 229$" || fail "tlgen --check summary for api.tl"
echo "$out" | grep -q "^api-layer225-published.tl: .* layer 225$" || fail "tlgen --check --layer for the published file"

# A malformed schema: file:line:column on stderr, exit 1.
printf 'a#1 x:int = A;\nb#2 y:Foo = B;\n' > "$tmp/bad.tl"
set +e
err=$(swift run --skip-build tlgen --check "$tmp/bad.tl" 2>&1 >/dev/null); code=$?
set -e
[ "$code" = 1 ] || fail "tlgen on a malformed schema exited $code, expected 1"
echo "$err" | grep -q "bad.tl:2:7: error: unknown type 'Foo'" || fail "tlgen error position: $err"

# tlgen --output writes the same files twice (deterministic).
swift run --skip-build tlgen --output "$tmp/a" schema/api.tl >/dev/null
swift run --skip-build tlgen --output "$tmp/b" schema/api.tl >/dev/null
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "tlgen output differs between runs"

# tldump: a tree, and --reencode ends with the original hex.
hex=$(od -An -v -tx1 Benchmarks/Inputs/update_short_message.bin | tr -d ' \n')
out=$(swift run --skip-build tldump --reencode "$hex")
[ "$(echo "$out" | tail -1)" = "$hex" ] || fail "tldump --reencode did not reproduce the bytes"
echo "$out" | grep -q '^  message: "ok, see you at 5"$' || fail "tldump tree"
swift run --skip-build tldump --file Benchmarks/Inputs/messages_messages.bin > "$tmp/tree.txt"
[ "$(head -1 "$tmp/tree.txt")" = "messages.messages" ] || fail "tldump --file"

# tldump on malformed bytes: one line on stderr, exit 1.
set +e
err=$(swift run --skip-build tldump "${hex:0:40}" 2>&1 >/dev/null); code=$?
set -e
[ "$code" = 1 ] || fail "tldump on truncated bytes exited $code"
[ "$(echo "$err" | wc -l)" = 1 ] || fail "tldump error is not one line: $err"
echo "$err" | grep -q "offset" || fail "tldump error names no offset: $err"

# testdc --bench-file-bytes: a size out of 1…4 GiB, or no --telegram-user / --telegram-account, is a usage error (64).
for args in "--telegram-account 15550001000 --telegram-user bench_sender --bench-file-bytes 0" \
            "--telegram-account 15550001000 --bench-file-bytes 100" "--bench-file-bytes 100"; do
    set +e
    # shellcheck disable=SC2086
    err=$("$bin/testdc" --port 0 $args 2>&1 >/dev/null); code=$?
    set -e
    [ "$code" = 64 ] || fail "testdc $args exited $code, expected 64"
    echo "$err" | grep -q "bench-file-bytes" || fail "testdc $args: $err"
done

# userbot diag against a local testdc on every transport; a refused connection is ok:false, exit 1.
secret="ee00112233445566778899aabbccddeeff$(printf 'www.example.com' | od -An -tx1 | tr -d ' \n')"
"$bin/testdc" --port 0 --rsa-key-out "$tmp/dc.pem" --socks5-port 0 --mtproxy-port 0 --mtproxy-secret "$secret" > "$tmp/dc.json" &
dcpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/dc.json" ] && break; sleep 0.1; done
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['port'])" "$tmp/dc.json")
for transport in abridged intermediate padded full obfuscated; do
  out=$("$bin/userbot" diag --server "127.0.0.1:$port" --dc 2 --rsa-key "$tmp/dc.pem" --transport "$transport")
  echo "$out" | grep -q '^{"ok": true, "handshake_ms": [0-9.]*, "rtt_ms": [0-9.]*, "layer": 229, "dc": 2, "time_offset_s": 0}$' \
    || { kill $dcpid; fail "userbot diag over $transport: $out"; }
done
# userbot diag --proxy through testdc's SOCKS5 proxy and FakeTLS MTProxy: a line per step on stderr;
# a wrong secret fails with a FAIL line and exit 1.
sport=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['socks5_port'])" "$tmp/dc.json")
mport=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['mtproxy_port'])" "$tmp/dc.json")
for proxy in "socks5://127.0.0.1:$sport" "tg://proxy?server=127.0.0.1&port=$mport&secret=$secret"; do
  out=$("$bin/userbot" diag --server "127.0.0.1:$port" --dc 2 --rsa-key "$tmp/dc.pem" --proxy "$proxy" 2>"$tmp/steps")
  echo "$out" | grep -q '^{"ok": true, .*"dc": 2, .*"proxy": ' || { kill $dcpid; fail "userbot diag --proxy $proxy: $out"; }
  grep -q '^ok    proxy handshake' "$tmp/steps" || { kill $dcpid; fail "userbot diag --proxy steps: $(cat "$tmp/steps")"; }
  grep -q '^ok    MTProto key exchange' "$tmp/steps" || { kill $dcpid; fail "userbot diag --proxy steps: $(cat "$tmp/steps")"; }
done
wrong="ee$(printf '%032d' 0)$(printf 'www.example.com' | od -An -tx1 | tr -d ' \n')"
set +e
out=$("$bin/userbot" diag --server "127.0.0.1:$port" --dc 2 --rsa-key "$tmp/dc.pem" --timeout 5 \
  --proxy "tg://proxy?server=127.0.0.1&port=$mport&secret=$wrong" 2>"$tmp/steps"); code=$?
set -e
[ "$code" = 1 ] || { kill $dcpid; fail "userbot diag with a wrong MTProxy secret exited $code"; }
grep -q '^FAIL  proxy handshake' "$tmp/steps" || { kill $dcpid; fail "userbot diag wrong secret steps: $(cat "$tmp/steps")"; }
grep -q "$wrong" "$tmp/steps" && { kill $dcpid; fail "userbot diag printed the MTProxy secret"; }
kill -TERM $dcpid
wait $dcpid || fail "testdc did not stop cleanly on SIGTERM"
set +e
out=$("$bin/userbot" diag --server 127.0.0.1:1 --dc 2 --rsa-key "$tmp/dc.pem" --timeout 3); code=$?
set -e
[ "$code" = 1 ] || fail "userbot diag on a refused port exited $code"
echo "$out" | grep -q '^{"ok": false, "error": ' || fail "userbot diag failure line: $out"



# userbot without configuration: every missing key named at once, exit 2, nothing secret echoed.
set +e
err=$(cd "$tmp" && env -u TG_API_ID -u TG_API_HASH -u OPENAI_API_KEY TG_API_HASH=not-hex-secret "$bin/userbot" 2>&1 >/dev/null); code=$?
set -e
[ "$code" = 2 ] || fail "userbot without configuration exited $code, expected 2"
for key in "TG_API_ID is required" "OPENAI_API_KEY is required" "TG_API_HASH must be"; do
  echo "$err" | grep -q "$key" || fail "userbot configuration error does not name '$key': $err"
done
echo "$err" | grep -q "not-hex-secret" && fail "userbot echoed a secret: $err"

# userbot run on a session that is not logged in, without TG_PHONE: a clear message.
set +e
err=$(cd "$tmp" && TG_API_ID=1 TG_API_HASH=0123456789abcdef0123456789abcdef OPENAI_API_KEY=sk-x "$bin/userbot" run --session "$tmp/none.session" 2>&1 >/dev/null); code=$?
set -e
# The first run logs in, so it needs the phone number: a configuration problem (exit 2), named.
[ "$code" = 2 ] || fail "userbot run without login or TG_PHONE exited $code, expected 2"
echo "$err" | grep -q "TG_PHONE is required to log in" || fail "userbot run without login or TG_PHONE: $err"

# userbot's last error line passes through the redactor: a secret inside it (here in the session path) is hidden.
set +e
err=$(cd "$tmp" && TG_API_ID=1 TG_API_HASH=0123456789abcdef0123456789abcdef OPENAI_API_KEY=sk-path-secret "$bin/userbot" run --session "$tmp/sk-path-secret/s.session" 2>&1 >/dev/null); code=$?
set -e
[ "$code" = 1 ] || fail "userbot run on an impossible session path exited $code, expected 1"
echo "$err" | grep -q "cannot open the session file .*/\[redacted\]/s.session" || fail "userbot error line not redacted: $err"
echo "$err" | grep -q "sk-path-secret" && fail "userbot printed a secret in its error line: $err"

# userbot demo: no account, no OpenAI key; every message answered, a dump written.
out=$(cd "$tmp" && env -u OPENAI_API_KEY "$bin/userbot" demo)
echo "$out" | tail -3
echo "$out" | grep -q "OFFLINE STAND-IN" || fail "userbot demo did not label the offline model"
echo "$out" | grep -q "^Done: 10 of 10 messages answered" || fail "userbot demo: $out"
ls "$tmp"/dumps/context_*.json >/dev/null 2>&1 || fail "userbot demo wrote no dump"
# userbot login, then run, against a testdc that simulates Telegram; SIGTERM stops the bot with exit 0;
# a second process on the same session is refused.
"$bin/testdc" --port 0 --rsa-key-out "$tmp/tg.pem" --telegram-account +15550001000 --telegram-password "cli pass" \
  --telegram-bot 7000:AAcliBotSecret > "$tmp/tg.json" 2>/dev/null &
tgpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/tg.json" ] && break; sleep 0.1; done
tgport=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['port'])" "$tmp/tg.json")
export TG_API_ID=1 TG_API_HASH=0123456789abcdef0123456789abcdef TG_PHONE=+15550001000 TG_SERVER="127.0.0.1:$tgport" \
  TG_DC=2 TG_RSA_KEY="$tmp/tg.pem" TG_SESSION="$tmp/cli.session" OPENAI_API_KEY=sk-cli-secret USERBOT_LOG_DIR="$tmp/logs"
TG_CODE=12345 TG_PASSWORD="cli pass" "$bin/userbot" login > "$tmp/login.txt" 2>&1 || { kill $tgpid; cat "$tmp/login.txt"; fail "userbot login"; }
grep -q "^Logged in" "$tmp/login.txt" || fail "userbot login output"
[ "$(stat -c %a "$tmp/cli.session")" = 600 ] || fail "the session file is not mode 0600"
"$bin/userbot" run > "$tmp/run.txt" 2>&1 &
botpid=$!
for _ in $(seq 1 100); do grep -q "the bot is running" "$tmp/run.txt" && break; sleep 0.1; done
grep -q "the bot is running" "$tmp/run.txt" || { kill $botpid $tgpid; cat "$tmp/run.txt"; fail "userbot run did not start"; }
set +e
"$bin/userbot" run > "$tmp/second.txt" 2>&1; code=$?
set -e
[ "$code" = 1 ] && grep -q "in use by another process" "$tmp/second.txt" || { kill $botpid $tgpid; fail "a second userbot on the session: $code $(cat "$tmp/second.txt")"; }
kill -TERM $botpid
wait $botpid || { kill $tgpid; fail "userbot run did not exit 0 on SIGTERM"; }
grep -q "the bot stopped" "$tmp/run.txt" || fail "userbot run did not stop cleanly"
grep -q "sk-cli-secret\|0123456789abcdef0123456789abcdef\|cli pass" "$tmp/run.txt" "$tmp/login.txt" && fail "a secret reached the terminal"
# The README's library example, against the same simulated Telegram (code, then the 2FA password).
swift build --product mtproto-example >/dev/null
out=$(EXAMPLE_SERVER="127.0.0.1:$tgport" EXAMPLE_DC=2 EXAMPLE_RSA_KEY="$tmp/tg.pem" EXAMPLE_API_ID=1 \
  EXAMPLE_API_HASH=0123456789abcdef0123456789abcdef EXAMPLE_PHONE=15550001000 EXAMPLE_CODE=12345 EXAMPLE_PASSWORD="cli pass" \
  EXAMPLE_LISTEN_SECONDS=0 "$bin/mtproto-example" 2>/dev/null) || { kill $tgpid; fail "mtproto-example failed: $out"; }
echo "$out" | grep -q "^logged in as Test (1000)$" || fail "mtproto-example did not log in: $out"
echo "$out" | grep -q "^sent: updateShortSentMessage" || fail "mtproto-example did not send: $out"
# tg on the userbot's session and configuration keys: send (Markdown), history as JSON, edit, delete;
# an unknown or unparsable peer and an empty text exit 2 with the peer named.
id=$("$bin/tg" send me 'hello **tg**' --markdown) || { kill $tgpid; fail "tg send"; }
out=$("$bin/tg" history me --limit 1 --json)
echo "$out" | grep -q "\"id\":$id,.*\"text\":\"hello tg\"" || { kill $tgpid; fail "tg history after send: $out"; }
"$bin/tg" edit me "$id" 'edited' || { kill $tgpid; fail "tg edit"; }
"$bin/tg" history me --limit 1 | grep -q "^$id	.*	edited$" || { kill $tgpid; fail "tg history after edit"; }
"$bin/tg" me | grep -q "^1000	user	Test" || { kill $tgpid; fail "tg me"; }
for args in "resolve @nobody_has_this" "send not/a/peer x" "send me"; do
  set +e; err=$("$bin/tg" $args 2>&1 >/dev/null); code=$?; set -e
  [ "$code" = 2 ] || { kill $tgpid; fail "tg $args exited $code, expected 2: $err"; }
done
set +e; err=$("$bin/tg" resolve @nobody_has_this 2>&1); set -e
echo "$err" | grep -q "^tg: unknown peer" || { kill $tgpid; fail "tg resolve of an unknown username: $err"; }
"$bin/tg" delete me "$id" || { kill $tgpid; fail "tg delete"; }
"$bin/tg" history me --json | grep -q "\"id\":$id," && { kill $tgpid; fail "tg delete left the message"; }
# tg upload (a document with a Markdown caption, a photo, a voice note) and tg download of the same
# bytes; no progress bar when standard error is not a terminal; a missing file, or a message without
# a file, exits 2.
head -c 300000 /dev/urandom > "$tmp/up.bin"
id=$("$bin/tg" upload me "$tmp/up.bin" --caption 'a **file**' --markdown 2>"$tmp/up.err") || { kill $tgpid; fail "tg upload: $(cat "$tmp/up.err")"; }
[ -s "$tmp/up.err" ] && { kill $tgpid; fail "tg upload wrote to standard error without a terminal: $(cat "$tmp/up.err")"; }
"$bin/tg" history me --limit 1 | grep -q "^$id	.*	a file$" || { kill $tgpid; fail "tg upload caption"; }
out=$("$bin/tg" download me "$id" --out "$tmp/down.bin" 2>"$tmp/down.err") || { kill $tgpid; fail "tg download: $(cat "$tmp/down.err")"; }
[ "$out" = "$tmp/down.bin" ] && cmp -s "$tmp/up.bin" "$tmp/down.bin" || { kill $tgpid; fail "tg download gave other bytes"; }
[ -s "$tmp/down.err" ] && { kill $tgpid; fail "tg download wrote to standard error without a terminal"; }
id=$("$bin/tg" upload me "$tmp/up.bin" --as-photo) || { kill $tgpid; fail "tg upload --as-photo"; }
"$bin/tg" download me "$id" --out "$tmp/photo.jpg" >/dev/null && cmp -s "$tmp/up.bin" "$tmp/photo.jpg" || { kill $tgpid; fail "tg download of a photo"; }
"$bin/tg" upload me "$tmp/up.bin" --as-voice --duration 3 >/dev/null || { kill $tgpid; fail "tg upload --as-voice"; }
text=$("$bin/tg" send me 'no file here') || { kill $tgpid; fail "tg send"; }
for args in "upload me $tmp/missing.bin" "download me $text" "upload me $tmp/up.bin --as-photo --as-voice"; do
  set +e; err=$("$bin/tg" $args 2>&1 >/dev/null); code=$?; set -e
  [ "$code" = 2 ] || { kill $tgpid; fail "tg $args exited $code, expected 2: $err"; }
done
# tg login on fresh session files: by code (TG_CODE, TG_PASSWORD), then again (already logged in);
# without a code or a terminal, exit 2; a bot by TG_BOT_TOKEN and by standard input, a wrong token exit 2;
# --qr prints a tg://login link and waits.
TG_CODE=12345 TG_PASSWORD="cli pass" TG_SESSION="$tmp/code.session" "$bin/tg" login > "$tmp/tglogin.txt" 2>&1 \
  || { kill $tgpid; fail "tg login: $(cat "$tmp/tglogin.txt")"; }
grep -qx "Logged in as Test (1000)" "$tmp/tglogin.txt" || { kill $tgpid; fail "tg login output: $(cat "$tmp/tglogin.txt")"; }
TG_SESSION="$tmp/code.session" "$bin/tg" login | grep -qx "Already logged in as Test (1000)" || { kill $tgpid; fail "tg login when logged in"; }
set +e; err=$(TG_SESSION="$tmp/nocode.session" "$bin/tg" login 2>&1 </dev/null); code=$?; set -e
[ "$code" = 2 ] && echo "$err" | grep -q "TG_CODE" || { kill $tgpid; fail "tg login without a code exited $code: $err"; }
out=$(TG_BOT_TOKEN=7000:AAcliBotSecret TG_SESSION="$tmp/bot.session" "$bin/tg" login --bot-token 2>&1) || { kill $tgpid; fail "tg login --bot-token: $out"; }
[ "$out" = "Logged in as Test bot (7000)" ] || { kill $tgpid; fail "tg login --bot-token output: $out"; }
echo 7000:AAcliBotSecret | TG_SESSION="$tmp/bot2.session" "$bin/tg" login --bot-token | grep -qx "Logged in as Test bot (7000)" \
  || { kill $tgpid; fail "tg login --bot-token from standard input"; }
set +e; err=$(echo 7000:AAwrongSecret | TG_SESSION="$tmp/bot3.session" "$bin/tg" login --bot-token 2>&1); code=$?; set -e
[ "$code" = 2 ] && echo "$err" | grep -q "refused the bot token" || { kill $tgpid; fail "tg login with a wrong bot token exited $code: $err"; }
echo "$err" | grep -q "AAwrongSecret" && { kill $tgpid; fail "tg printed the bot token: $err"; }
TG_SESSION="$tmp/qr.session" "$bin/tg" login --qr > "$tmp/qr.txt" 2>/dev/null &
qrpid=$!
for _ in $(seq 1 100); do grep -q "^tg://login?token=" "$tmp/qr.txt" && break; sleep 0.1; done
kill $qrpid; wait $qrpid || true
grep -q "^tg://login?token=[A-Za-z0-9_-]*$" "$tmp/qr.txt" || { kill $tgpid; fail "tg login --qr printed no link: $(cat "$tmp/qr.txt")"; }
# tg session export, import into a new session file, tg me there; the string is printed only by export;
# a malformed string, or an import over a session with a key (without --force), exits 2. Logging the imported session out
# ends the exported one too (one key): tg me then exits 1, not logged in.
"$bin/tg" session export > "$tmp/string.txt" 2> "$tmp/export.err" || { kill $tgpid; fail "tg session export: $(cat "$tmp/export.err")"; }
grep -q "full credential" "$tmp/export.err" || { kill $tgpid; fail "tg session export gave no warning"; }
string=$(cat "$tmp/string.txt")
out=$(TG_SESSION="$tmp/imported.session" "$bin/tg" session import < "$tmp/string.txt" 2>&1) || { kill $tgpid; fail "tg session import: $out"; }
echo "$out" | grep -qF "$string" && { kill $tgpid; fail "tg session import echoed the string"; }
TG_SESSION="$tmp/imported.session" "$bin/tg" me | grep -q "^1000	user	Test" || { kill $tgpid; fail "tg me on the imported session"; }
set +e; err=$(TG_SESSION="$tmp/imported.session" "$bin/tg" session import < "$tmp/string.txt" 2>&1); code=$?; set -e
[ "$code" = 2 ] && echo "$err" | grep -q "already holds an auth key" || { kill $tgpid; fail "tg session import over a key exited $code: $err"; }
TG_SESSION="$tmp/imported.session" "$bin/tg" session import --force < "$tmp/string.txt" >/dev/null || { kill $tgpid; fail "tg session import --force"; }
TG_SESSION="$tmp/imported.session" "$bin/tg" me | grep -q "^1000	user	Test" || { kill $tgpid; fail "tg me after tg session import --force"; }
set +e; err=$(echo "${string%?????}" | TG_SESSION="$tmp/bad.session" "$bin/tg" session import 2>&1); code=$?; set -e
[ "$code" = 2 ] && echo "$err" | grep -q "^tg: the session string" || { kill $tgpid; fail "tg session import of a malformed string exited $code: $err"; }
TG_SESSION="$tmp/imported.session" "$bin/tg" logout | grep -qx "Logged out." || { kill $tgpid; fail "tg logout"; }
set +e; err=$(TG_SESSION="$tmp/imported.session" "$bin/tg" me 2>&1); code=$?; set -e
[ "$code" = 1 ] && echo "$err" | grep -q "not logged in" || { kill $tgpid; fail "tg me after tg logout exited $code: $err"; }
kill -TERM $tgpid; wait $tgpid || true
unset TG_API_ID TG_API_HASH TG_PHONE TG_SERVER TG_DC TG_RSA_KEY TG_SESSION OPENAI_API_KEY USERBOT_LOG_DIR

# tg listen: a JSON line per incoming message, pushed by the simulated Telegram as another user writes;
# SIGINT ends it with exit 0.
"$bin/testdc" --port 0 --rsa-key-out "$tmp/l.pem" --telegram-account +15550001000 --telegram-user alice_test > "$tmp/l.json" 2>/dev/null &
lpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/l.json" ] && break; sleep 0.1; done
lport=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['port'])" "$tmp/l.json")
export TG_API_ID=1 TG_API_HASH=0123456789abcdef0123456789abcdef TG_SERVER="127.0.0.1:$lport" TG_DC=2 TG_RSA_KEY="$tmp/l.pem" OPENAI_API_KEY=sk-x
TG_CODE=12345 TG_PHONE=+15550001000 TG_SESSION="$tmp/l-me.session" "$bin/userbot" login >/dev/null 2>&1 || { kill $lpid; fail "login for tg listen"; }
TG_CODE=12345 TG_PHONE=+15550002001 TG_SESSION="$tmp/l-alice.session" "$bin/userbot" login >/dev/null 2>&1 || { kill $lpid; fail "login of alice"; }
TG_SESSION="$tmp/l-me.session" "$bin/tg" listen --json --filter incoming --filter private > "$tmp/listen.out" 2>"$tmp/listen.err" &
listenpid=$!
sleep 2
TG_SESSION="$tmp/l-alice.session" "$bin/tg" send +15550001000 "hi from alice" >/dev/null || { kill $lpid $listenpid; fail "tg send as alice"; }
for _ in $(seq 1 50); do grep -q "hi from alice" "$tmp/listen.out" && break; sleep 0.1; done
kill -INT $listenpid
wait $listenpid || { kill $lpid; fail "tg listen did not exit 0 on SIGINT: $(cat "$tmp/listen.err")"; }
grep -q '^{"event":"new","message":{"chat":2001,.*"from":2001,.*"out":false,.*"text":"hi from alice"}}$' "$tmp/listen.out" \
  || { kill $lpid; fail "tg listen output: $(cat "$tmp/listen.out")"; }
set +e; "$bin/tg" listen --filter bogus >/dev/null 2>&1; code=$?; set -e
[ "$code" = 2 ] || { kill $lpid; fail "tg listen --filter bogus exited $code, expected 2"; }
kill -TERM $lpid; wait $lpid || true
unset TG_API_ID TG_API_HASH TG_SERVER TG_DC TG_RSA_KEY OPENAI_API_KEY

# The README shows the example's code: the same text.
python3 - <<'PY' || fail "README's library example differs from Examples/MTProtoExample/main.swift"
import re, sys
readme = open("README.md").read()
block = re.search(r"<!-- example:begin -->\n```swift\n(.*?)```\n<!-- example:end -->", readme, re.S)
sys.exit(0 if block and block.group(1) == open("Examples/MTProtoExample/main.swift").read() else 1)
PY
python3 - <<'PY' || fail "README's Telegram example differs from Examples/EchoUserbot/main.swift"
import re, sys
readme = open("README.md").read()
block = re.search(r"<!-- telegram-example:begin -->\n```swift\n(.*?)```\n<!-- telegram-example:end -->", readme, re.S)
sys.exit(0 if block and block.group(1) == open("Examples/EchoUserbot/main.swift").read() else 1)
PY

# The doc-comment check notices an undocumented public declaration (and a protocol requirement).
mkdir -p "$tmp/docs"
printf '/// Documented.\npublic struct A {\n    public var x: Int\n}\n/// Documented.\npublic protocol P {\n    func f()\n}\n' > "$tmp/docs/A.swift"
misses=$(python3 Scripts/check_doc_comments.py "$tmp/docs" 2>/dev/null) && fail "check_doc_comments.py accepted an undocumented property"
[ "$(echo "$misses" | wc -l)" = 2 ] || fail "check_doc_comments.py should list 2 misses: $misses"

echo "cli-checks: 23 passed, 0 failed"

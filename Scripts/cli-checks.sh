#!/usr/bin/env bash
# Exit codes and outputs of tlgen and tldump, as a user sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tlgen --product tldump >/dev/null 2>&1 || swift build
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

echo "cli-checks: 9 passed, 0 failed"

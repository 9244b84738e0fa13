#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (release, -sanitize=fuzzer,address, linked with lld) and runs
# each for SECONDS (default 600), starting from the committed seeds in Fuzz/Corpus/<target>.
# New corpus entries go to Fuzz/Work/<target> (git-ignored); a crash stops that target and leaves
# its input in Fuzz/Work/crashes/. One summary line per target; exit 1 if any target crashed.
#   Scripts/fuzz.sh [SECONDS] [TARGET…]
set -uo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${1:-600}"; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzTLDecode FuzzTransport FuzzEnvelope FuzzHandshake FuzzSchemaParser FuzzConfigFile)
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
mkdir -p Work/crashes
if ! swift build "${flags[@]}" > Work/build.log 2>&1; then
  # SwiftPM keeps a stale plan for the path dependency after a file of the main package is renamed
  # ("missing inputs"): start the fuzz build over once.
  if grep -q "missing inputs" Work/build.log; then
    echo "stale fuzz build folder: rebuilding from scratch"
    rm -rf .build
    swift build "${flags[@]}" > Work/build.log 2>&1 || { echo "fuzz build failed"; tail -20 Work/build.log; exit 1; }
  else
    echo "fuzz build failed"; tail -20 Work/build.log; exit 1
  fi
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
status=0
for target in "${targets[@]}"; do
  mkdir -p "Work/$target"
  log="Work/$target.log"
  "$bin/$target" "Work/$target" "Corpus/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="Work/crashes/$target-" -print_final_stats=1 > "$log" 2>&1
  code=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ "$code" = 0 ]; then
    echo "$target: ${runs:-?} executions in ${seconds} s, 0 crashes"
  else
    status=1
    echo "$target: ${runs:-?} executions, CRASH (exit $code), input in Fuzz/Work/crashes/, log in Fuzz/$log"
    grep -m3 -E "ERROR|Fatal error|SUMMARY" "$log" | sed 's/^/    /'
  fi
done
exit $status

#!/usr/bin/env bash
# The project's test command (the README's, and what .ci/run runs):
#   1. the committed generated code is what `tlgen` produces from schema/;
#   2. the command-line tools behave (exit codes, round trips);
#   3. the Swift test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tlgen: committed output is current"
swift build --product tlgen
swift run --skip-build tlgen
if git rev-parse --git-dir >/dev/null 2>&1; then
  git diff --exit-code -- Sources/TLSchema/Generated
  untracked=$(git ls-files --others --exclude-standard -- Sources/TLSchema/Generated)
  if [ -n "$untracked" ]; then echo "tlgen produced files that are not committed: $untracked"; exit 1; fi
fi

echo "== command-line checks"
Scripts/cli-checks.sh

echo "== swift test"
swift test

#!/usr/bin/env bash
# Runs PgJDBC's own JUnit suite twice against a testkit cluster (primary + 2 streaming replicas):
# through PgJDBC alone, then through a Lagwise URL, and compares the two. See
# docs/compatibility.md.
#
#   conformance/run-pgjdbc-suite.sh [--side vendor|lagwise|both] [--compare-only] [maven args...]
#
# e.g. conformance/run-pgjdbc-suite.sh -o   (offline, once the dependencies are in ~/.m2)
#
# Reports: conformance/target/surefire-reports-{vendor,lagwise}/, build logs and the difference
# list in conformance/target/pgjdbc-suite/. Exit status: that of compare-reports.py (0 = no
# unaccepted difference, 1 = differences, 2 = missing reports), or Maven's if a build fails.
set -euo pipefail

cd "$(dirname "$0")/.."
sides=(vendor lagwise)
compare_only=false
maven_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --side)
      case "${2:-}" in
        vendor | lagwise) sides=("$2") ;;
        both) sides=(vendor lagwise) ;;
        *) echo "--side must be vendor, lagwise or both" >&2; exit 64 ;;
      esac
      shift 2 ;;
    --compare-only) compare_only=true; shift ;;
    *) maven_args+=("$1"); shift ;;
  esac
done

out=conformance/target/pgjdbc-suite
mkdir -p "$out"
if [[ $compare_only == false ]]; then
  for side in "${sides[@]}"; do
    rm -rf "conformance/target/surefire-reports-$side"
    echo "== PgJDBC's suite, target $side (log: $out/$side.log)"
    start=$(date +%s)
    # -DskipTests skips the tests of the modules this one is built from; the conformance module
    # ignores it (its surefire reads conformance.skipTests) and always runs PgJDBC's suite.
    if ! ./mvnw -B -ntp "${maven_args[@]}" -Ppgjdbc-suite -pl conformance -am verify -DskipTests \
        "-Dconformance.target=$side" >"$out/$side.log" 2>&1; then
      echo "build failed for target $side; see $out/$side.log" >&2
      tail -30 "$out/$side.log" >&2
      exit 3
    fi
    seconds=$(($(date +%s) - start))
    echo "$seconds" >"$out/$side.seconds"
    echo "   done in $((seconds / 60)) min $((seconds % 60)) s"
  done
fi
for side in vendor lagwise; do
  if [[ -f "$out/$side.seconds" ]]; then
    s=$(cat "$out/$side.seconds")
    echo "$side: last run took $((s / 60)) min $((s % 60)) s"
  fi
done
echo
python3 conformance/compare-reports.py \
  conformance/target/surefire-reports-vendor conformance/target/surefire-reports-lagwise \
  conformance/accepted-failures.txt "$out/differences.tsv"

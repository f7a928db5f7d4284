#!/usr/bin/env bash
# Reads files written by hadoop-io with real Hadoop classes and checks that Hadoop prints the same
# records as our dump. Needs a Hadoop installation: HADOOP_CLASSPATH=$(hadoop classpath).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${HADOOP_CLASSPATH:-}" ]; then
  echo "interop:java skipped: set HADOOP_CLASSPATH (e.g. \$(hadoop classpath)) to run Hadoop against our files"
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -cp "$HADOOP_CLASSPATH" -d "$out/classes" interop/java/src/*.java
npm run build --silent
node dist/interop/java/write-samples.js "$out/samples"
status=0
for f in "$out"/samples/*.seq; do
  java -cp "$HADOOP_CLASSPATH:$out/classes" DumpSequenceFile "$f" > "$f.java.jsonl"
  node dist/src/cli/main.js dump "$f" | node dist/interop/java/reduce-dump.js > "$f.ours.jsonl"
  if diff -q "$f.java.jsonl" "$f.ours.jsonl" >/dev/null; then
    echo "ok   $(basename "$f")"
  else
    echo "FAIL $(basename "$f")"; diff "$f.java.jsonl" "$f.ours.jsonl" | head -5; status=1
  fi
done
for d in "$out"/samples/*.map; do
  java -cp "$HADOOP_CLASSPATH:$out/classes" LookupMapFile "$d" > "$d.java.jsonl"
  node dist/interop/java/map-lookups.js "$d" > "$d.ours.jsonl"
  if diff -q "$d.java.jsonl" "$d.ours.jsonl" >/dev/null; then
    echo "ok   $(basename "$d")"
  else
    echo "FAIL $(basename "$d")"; diff "$d.java.jsonl" "$d.ours.jsonl" | head -5; status=1
  fi
done
exit $status

#!/usr/bin/env bash
# The server half of scripts/bench: seconds from `java -jar` (with scripts/jvm.options, as scripts/run) to a healthy /api/health (5 starts on a fresh H2 file),
# memory idle (10 s after start) and with 2 runs training (30 s after submitting them) at each start, as
# /api/health reports it (RSS, heap, ND4J's workspaces). Prints one JSON line per figure.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/gradient-lab.jar
PORT=18090

start() { # $1: database directory; starts the server in the background, sets PID
  OMP_NUM_THREADS=1 java @scripts/jvm.options -jar "$JAR" --port "$PORT" --db "jdbc:h2:file:$1/db;AUTO_SERVER=FALSE" > "$1/server.log" 2>&1 &
  PID=$!
}
healthy() { curl -fsS "http://localhost:$PORT/api/health" > /dev/null 2>&1; }
memory() { # $1: label; the server reports its own memory in /api/health
  curl -fsS "http://localhost:$PORT/api/health" | python3 -c "import json, sys; m = json.load(sys.stdin)['memory']; m.update(figure='memory', state='$1'); print(json.dumps(m))"
}

for i in 1 2 3 4 5; do
  dir=$(mktemp -d)
  t0=$(date +%s.%N)
  start "$dir"
  until healthy; do sleep 0.05; done
  t1=$(date +%s.%N)
  echo "{\"figure\":\"startup\",\"repeat\":$i,\"seconds\":$(echo "$t1 - $t0" | bc)}"
  sleep 10
  memory idle
  for model in rnn lstm; do
    curl -fsS -H 'Content-Type: application/json' -d "{\"corpus\":{\"preset\":\"long-range\"},\"arms\":[{\"model\":\"$model\"}],\"training\":{\"maxIterations\":50000}}" \
      "http://localhost:$PORT/api/experiments" > /dev/null
  done
  sleep 30
  memory "2 runs training"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  rm -rf "$dir"
done

#!/usr/bin/env bash
# A 3-node cluster-profile deployment on this machine, for load runs: the local Kafka and
# Cassandra (scripts/kafka.sh, scripts/cassandra.sh) and three chat nodes with the load
# configuration (scripts/load/node.json), each in its own JVM, on a fresh keyspace and topic
# namespace so runs never see each other's data.
#
# Usage: scripts/load/cluster.sh start|stop
#   start   starts the engines if they are not running, then the nodes one after another (the
#           first creates keyspace and topics); prints the --url list for the load tool
#   stop    stops the nodes (SIGTERM); the engines keep running (scripts/*.sh stop them)
#
# Environment (defaults): LOAD_HTTP_PORTS="18481 18482 18483", LOAD_HZ_PORTS="25701 25702 25703",
# JAR=target/chat-server.jar, RUN_DIR=.engines/load-cluster (logs, pids)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

HTTP_PORTS=(${LOAD_HTTP_PORTS:-18481 18482 18483})
HZ_PORTS=(${LOAD_HZ_PORTS:-25701 25702 25703})
JAR="${JAR:-target/chat-server.jar}"
RUN_DIR="${RUN_DIR:-.engines/load-cluster}"

stop_nodes() {
  for pidfile in "$RUN_DIR"/node-*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  start)
    [[ -f "$JAR" ]] || { echo "no $JAR: run mvn -B -q package -DskipTests first" >&2; exit 1; }
    scripts/kafka.sh start
    scripts/cassandra.sh start
    stop_nodes
    mkdir -p "$RUN_DIR"
    run="load$(date +%s)"
    secret="${CHAT_JWT_SECRET:-$(head -c 32 /dev/urandom | base64)}"
    members="$(printf '127.0.0.1:%s,' "${HZ_PORTS[@]}")"
    # node.json plus this run's Kafka namespace (topics and consumer groups of their own)
    conf="$RUN_DIR/node.json"
    sed '$ s/}[[:space:]]*$//' scripts/load/node.json >"$conf"
    printf ',\n  "kafka": { "namespace": "%s" }\n}\n' "$run" >>"$conf"
    urls=""
    for i in 0 1 2; do
      log="$RUN_DIR/node-$((i + 1)).log"
      data="$RUN_DIR/data-$((i + 1))"
      rm -rf "$data"
      CHAT_PROFILE=cluster CHAT_NODE_ID=$((i + 1)) CHAT_HTTP_PORT="${HTTP_PORTS[$i]}" \
        CHAT_CLUSTER_PORT="${HZ_PORTS[$i]}" CHAT_CLUSTER_MEMBERS="${members%,}" CHAT_CLUSTER_NAME="$run" \
        CHAT_JWT_SECRET="$secret" CHAT_KAFKA_BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-19092}" \
        CHAT_CASSANDRA_CONTACT_POINTS="127.0.0.1:${CASSANDRA_PORT:-19042}" CHAT_CASSANDRA_KEYSPACE="$run" \
        CHAT_DATA_DIR="$data" java -jar "$JAR" -conf "$conf" >"$log" 2>&1 </dev/null &
      echo $! >"$RUN_DIR/node-$((i + 1)).pid"
      # one after another: the first creates keyspace, tables and topics
      for _ in $(seq 1 600); do
        grep -q "listening on port" "$log" && break
        kill -0 "$(cat "$RUN_DIR/node-$((i + 1)).pid")" 2>/dev/null || { tail -20 "$log" >&2; exit 1; }
        sleep 0.2
      done
      grep -q "listening on port" "$log" || { echo "node $((i + 1)) did not start in 120 s" >&2; tail -20 "$log" >&2; exit 1; }
      urls+="http://127.0.0.1:${HTTP_PORTS[$i]},"
    done
    echo "${urls%,}"
    ;;
  stop)
    stop_nodes
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac

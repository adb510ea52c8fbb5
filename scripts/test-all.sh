#!/usr/bin/env bash
# The whole test suite on a fresh machine: starts real Kafka and Cassandra on loopback (from their
# Maven Central jars; scripts/README.md), runs every test with Maven, and stops the engines again.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'scripts/kafka.sh stop >/dev/null 2>&1 || true; scripts/cassandra.sh stop >/dev/null 2>&1 || true' EXIT
# HAProxy (Debian's package) fronts the 3-node cluster in HaproxyClusterTest with docker/haproxy.cfg.
if ! command -v haproxy >/dev/null; then
  echo "installing haproxy from Debian's packages"
  (apt-get install -y -qq haproxy >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq haproxy; }) >/dev/null
fi
# One after the other: the first start of each fetches its jars into ~/.m2.
scripts/kafka.sh start
scripts/cassandra.sh start
mvn -B verify "$@"

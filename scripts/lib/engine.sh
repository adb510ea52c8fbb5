# Shared helpers for scripts/kafka.sh and scripts/cassandra.sh.
# Sourced, not executed. The caller sets ENGINE (kafka|cassandra) and MAIN_CLASS
# before sourcing, and defines engine_launch, engine_ready and engine_config.
#
# Layout (all gitignored, survives `mvn clean`):
#   .engines/<engine>/lib/        jars resolved from Maven Central (cached)
#   .engines/<engine>/conf/       generated config (rewritten at every start)
#   .engines/<engine>/data/       data; kept across stop/kill/start
#   .engines/<engine>/logs/       engine log (previous run kept as *.prev)
#   .engines/<engine>/<engine>.pid

set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$SCRIPTS_DIR/.." && pwd)"
ENGINES_DIR="${ENGINES_DIR:-$REPO_ROOT/.engines}"
case "$ENGINES_DIR" in /*) ;; *) ENGINES_DIR="$REPO_ROOT/$ENGINES_DIR" ;; esac
HOME_DIR="$ENGINES_DIR/$ENGINE"
LIB_DIR="$HOME_DIR/lib"
CONF_DIR="$HOME_DIR/conf"
DATA_DIR="$HOME_DIR/data"
LOG_DIR="$HOME_DIR/logs"
PID_FILE="$HOME_DIR/$ENGINE.pid"
POM="$SCRIPTS_DIR/engines/$ENGINE/pom.xml"
# Put on the JVM command line so that our process can be told apart from any other JVM.
MARKER="-Dchat.engine.home=$HOME_DIR"

log() { printf '%s: %s\n' "$ENGINE" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- java

# Prints the major version of the given java binary (e.g. 17), or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | sed 's/^1\.//; s/\..*//' | head -n1
}

# Sets JAVA to a usable java. Honors $JAVA; if it is unset and `java` is not an
# accepted version, looks for a Java 17 under /usr/lib/jvm.
pick_java() {
  local accepted="$1" v cand
  if [[ -n "${JAVA:-}" ]]; then
    command -v "$JAVA" >/dev/null 2>&1 || die "JAVA=$JAVA is not an executable"
    v="$(java_major "$JAVA")"
    [[ " $accepted " == *" $v "* ]] || die "JAVA=$JAVA is Java $v; $ENGINE needs one of: $accepted"
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    v="$(java_major java)"
    if [[ " $accepted " == *" $v "* ]]; then JAVA=java; return 0; fi
  fi
  for cand in /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*-17-*/bin/java; do
    [[ -x "$cand" ]] || continue
    if [[ "$(java_major "$cand")" == 17 ]]; then
      log "default java is not one of ($accepted); using $cand"
      JAVA="$cand"; return 0
    fi
  done
  die "no suitable java found (need one of: $accepted); set JAVA=/path/to/java17/bin/java"
}

# ---------------------------------------------------------------- jars

# Resolves the engine's jars into $LIB_DIR once; re-resolves when the pom changes.
resolve_jars() {
  local stamp="$LIB_DIR/.pom.sha256" want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the $ENGINE jars)"
  log "resolving jars from Maven Central (once) ..."
  local t0 tmp="$HOME_DIR/lib.tmp"
  t0=$(now_ms)
  rm -rf "$tmp"
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" >"$HOME_DIR/resolve.log" 2>&1; then
    tail -n 40 "$HOME_DIR/resolve.log" >&2 || true
    die "could not resolve jars (full output: $HOME_DIR/resolve.log)"
  fi
  ls "$tmp"/*.jar >/dev/null 2>&1 || die "no jars were resolved (see $HOME_DIR/resolve.log)"
  echo "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "resolved $(ls "$LIB_DIR"/*.jar | wc -l) jars in $(( ($(now_ms) - t0) / 1000 )) s"
}

classpath() { echo "$LIB_DIR/*"; }

# Compiles a helper (scripts/engines/<engine>/<Name>.java) against the engine jars, cached.
compile_tool() {
  local name="$1" src="$SCRIPTS_DIR/engines/$ENGINE/$1.java" out="$HOME_DIR/tools"
  local stamp="$out/.$name.sha256" want javac
  want="$( (cat "$src"; cat "$LIB_DIR/.pom.sha256") | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$out/$name.class" ]]; then return 0; fi
  javac="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac"
  [[ -x "$javac" ]] || javac=javac
  mkdir -p "$out"
  "$javac" -nowarn -encoding UTF-8 -cp "$(classpath)" -d "$out" "$src" >"$HOME_DIR/tools.log" 2>&1 \
    || { cat "$HOME_DIR/tools.log" >&2; die "could not compile $src"; }
  echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- class-data sharing

# Start-up speed-up, ~1.5 s (Kafka) to ~3 s (Cassandra) per start: the first run
# records the classes it loaded into a CDS archive when it exits cleanly (`stop`,
# which then takes a few seconds longer, once); later runs map it. A stale or
# foreign archive is ignored by the JVM (-Xshare:auto), never fatal.
# ENGINE_CDS=1/0 forces it on/off; default on, but off when CI=true: CI runs in a
# fresh clone, so it would pay for writing the archive and never use it.
CDS_DIR="$HOME_DIR/cds"
if [[ "${CI:-}" == true ]]; then ENGINE_CDS="${ENGINE_CDS:-0}"; else ENGINE_CDS="${ENGINE_CDS:-1}"; fi
cds_opts() {
  [[ "$ENGINE_CDS" == 1 ]] || return 0
  local key
  key="$( (readlink -f "$(command -v "$JAVA")"; cat "$LIB_DIR/.pom.sha256"; "$JAVA" -version 2>&1) | sha256sum | cut -d' ' -f1)"
  mkdir -p "$CDS_DIR"
  if [[ "$(cat "$CDS_DIR/key" 2>/dev/null)" != "$key" ]]; then
    rm -f "$CDS_DIR"/*.jsa "$CDS_DIR"/*.jsa.new
    echo "$key" >"$CDS_DIR/key"
  fi
  rm -f "$CDS_DIR/app.jsa.new"
  if [[ -s "$CDS_DIR/app.jsa" ]]; then
    CMD+=(-Xshare:auto "-XX:SharedArchiveFile=$CDS_DIR/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  else
    CMD+=("-XX:ArchiveClassesAtExit=$CDS_DIR/app.jsa.new" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
}
# Called after a clean exit: keep a freshly written archive.
cds_commit() {
  if [[ -s "$CDS_DIR/app.jsa.new" ]]; then mv -f "$CDS_DIR/app.jsa.new" "$CDS_DIR/app.jsa"; fi
}

# ---------------------------------------------------------------- processes

# True if pid $1 is alive and is our engine JVM (not a recycled pid).
is_ours() {
  local pid="$1"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$MARKER"
}

# Prints the pid of our running engine, or nothing. Falls back to scanning
# /proc for the marker when the pid file was lost.
find_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    if is_ours "$pid"; then echo "$pid"; return 0; fi
  fi
  local d
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if [[ "$(readlink "$d/exe" 2>/dev/null)" == */java ]] && is_ours "$pid"; then
      echo "$pid" >"$PID_FILE"; echo "$pid"; return 0
    fi
  done
  rm -f "$PID_FILE"
  return 0
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

rss_mb() { awk '/^VmRSS:/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

wait_gone() { # pid timeout_s
  local pid="$1" deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    # a zombie child of ours counts as gone
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && return 0
    (( $(date +%s) >= deadline )) && return 1
    sleep 0.2
  done
  return 0
}

show_log_tail() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 30 "$f" | cut -c1-400 >&2
  done
}

# Serialises start/stop/kill of one engine across concurrent callers.
take_lock() {
  mkdir -p "$HOME_DIR"
  exec 9>"$HOME_DIR/.lock"
  flock -w 300 9 || die "another $ENGINE command holds $HOME_DIR/.lock"
}

# ---------------------------------------------------------------- commands

# engine_* hooks, defined by the caller:
#   engine_ports       ports the engine listens on (checked free before start)
#   engine_prepare     write config, format data on first start
#   engine_command     fill the array CMD with the engine's command line
#   engine_ready       0 when ready to serve, 1 otherwise (log file check + probe)
#   engine_logs        log files worth showing on failure

cmd_start() {
  take_lock
  local pid t0 timeout_s="${START_TIMEOUT:-90}"
  pid="$(find_pid)"
  if [[ -n "$pid" ]]; then
    if engine_ready "$pid"; then
      log "already running (pid $pid)"; return 0
    fi
    log "already running (pid $pid) but not ready yet; waiting"
  else
    local p
    for p in $(engine_ports); do
      if port_open "$p"; then die "port $p on 127.0.0.1 is already in use by another process (set the port variables to move $ENGINE)"; fi
    done
    resolve_jars
    mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
    engine_prepare
    local f
    for f in $(engine_logs); do if [[ -f "$f" ]]; then mv -f "$f" "$f.prev"; fi; done
    CMD=(); engine_command
    echo "$(date '+%F %T') ${CMD[*]}" >"$LOG_DIR/command.txt"
    t0=$(now_ms)
    # setsid: own session, so a Ctrl-C or hang-up of the caller does not reach the engine.
    # (The subshell is not a group leader, so setsid execs in place and $! is the JVM's pid.)
    ( exec 9>&-; cd "$HOME_DIR" && exec setsid "${CMD[@]}" </dev/null >"$LOG_DIR/stdout.log" 2>&1 ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting (pid $pid) ..."
  fi
  t0=${t0:-$(now_ms)}
  local deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null || [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
      wait "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      show_log_tail $(engine_logs)
      die "process exited during start-up (logs in $LOG_DIR)"
    fi
    if engine_ready "$pid"; then break; fi
    if (( $(date +%s) >= deadline )); then
      show_log_tail $(engine_logs)
      die "not ready after ${timeout_s} s (pid $pid still running; logs in $LOG_DIR; run '$0 stop' to stop it)"
    fi
    sleep 0.25
  done
  log "ready in $(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN{printf "%.1f", ms/1000}') s (pid $pid, rss $(rss_mb "$pid") MB)"
}

cmd_stop() {
  take_lock
  local pid; pid="$(find_pid)"
  if [[ -z "$pid" ]]; then log "not running"; return 0; fi
  local t0; t0=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  if wait_gone "$pid" "${STOP_TIMEOUT:-60}"; then
    cds_commit
  else
    log "did not stop within ${STOP_TIMEOUT:-60} s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid) in $(( ($(now_ms) - t0) )) ms"
}

cmd_kill() {
  take_lock
  local pid; pid="$(find_pid)"
  if [[ -z "$pid" ]]; then log "not running"; return 0; fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
  rm -f "$PID_FILE"
  log "killed (SIGKILL, pid $pid)"
}

# Exit status: 0 running and serving, 1 process alive but not serving, 3 not running.
cmd_status() {
  local pid; pid="$(find_pid)"
  if [[ -z "$pid" ]]; then echo "$ENGINE: not running"; return 3; fi
  local p down=""
  for p in $(engine_ports); do if ! port_open "$p"; then down="$down $p"; fi; done
  if [[ -n "$down" ]]; then
    echo "$ENGINE: process running (pid $pid, rss $(rss_mb "$pid") MB) but not listening on:$down"; return 1
  fi
  echo "$ENGINE: running (pid $pid, rss $(rss_mb "$pid") MB, ports $(engine_ports | tr '\n' ' '| sed 's/ $//'), home $HOME_DIR)"
}

engine_main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in stop|kill|status) ;; *) pick_java "$JAVA_ACCEPTED" ;; esac
  case "$cmd" in
    start)  cmd_start ;;
    stop)   cmd_stop ;;
    kill)   cmd_kill ;;
    status) cmd_status ;;
    restart) cmd_stop; cmd_start ;;
    *) engine_extra_command "$cmd" "$@" ;;
  esac
}

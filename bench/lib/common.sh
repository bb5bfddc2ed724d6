# Shared by bench/run and bench/special/*: building a private snapshot of redmap, starting the
# servers on free loopback ports, running one redis-benchmark load against two targets (A B A B A B)
# with error checks, and the results file. Source it; it defines functions and variables only.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESP="/usr/bin/python3 $BENCH_DIR/lib/resp.py"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
# The server runs from a private copy of the sources (pom.xml, bin/, src/main/) built into this
# cache: builds of the working tree (by tests or other work) can then neither replace the jar
# under a running benchmark nor break it half-way through.
CACHE="${REDMAP_BENCH_CACHE:-/tmp/redmap-bench-cache}"
SNAP="$CACHE/snapshot"
JAVA_HOME="$("$ROOT/bin/find-java")"
export JAVA_HOME
: "${QUICK:=0}"
: "${ROUNDS:=3}"
: "${CLIENTS:=50}"
# Target seconds of one measured run (full / --quick), and of the warm-up run before it.
if [ "$QUICK" = 1 ]; then
  : "${RUN_SECONDS:=1}" "${WARM_SECONDS:=0.5}"
fi
: "${RUN_SECONDS:=4}"
: "${WARM_SECONDS:=1.5}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-300}"

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }

for tool in redis-server redis-benchmark redis-cli /usr/bin/python3 mvn flock timeout; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install redis-server redis-tools maven python3-numpy)"
done
/usr/bin/python3 -c 'import numpy' 2>/dev/null || die "numpy is missing (apt-get install python3-numpy)"

# ---------------------------------------------------------------------------------------- build

tree_sum() { # checksum of the files the server is built from, relative to $1
  (cd "$1" && find pom.xml bin src/main -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

# Copies the sources to $SNAP when they changed and builds them there (mvn install, without the
# tests: this also installs io.redmap:redmap:0.1.0 for bench/jmh). Idempotent and locked.
build_snapshot() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/lock"
  flock 9
  local live
  live="$(tree_sum "$ROOT")"
  if [ "$live" != "$(cat "$CACHE/stamp" 2>/dev/null)" ] || [ ! -f "$SNAP/target/redmap.jar" ]; then
    log "building a snapshot of redmap in $SNAP (mvn install, no tests)..."
    rm -rf "$SNAP" "$CACHE/stamp"
    mkdir -p "$SNAP/src"
    cp -a "$ROOT/pom.xml" "$ROOT/bin" "$SNAP/"
    cp -a "$ROOT/src/main" "$SNAP/src/"
    (cd "$SNAP" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
      mvn -q -B -Dmaven.test.skip=true install) >&2 || { flock -u 9; die "the build of redmap failed"; }
    # The launcher trains its AOT cache at its first start: here, so that no measured start waits for it.
    "$SNAP/bin/redmap-server" --version >/dev/null || { flock -u 9; die "the launcher of the snapshot failed"; }
    tree_sum "$SNAP" > "$CACHE/stamp"
  fi
  flock -u 9
  exec 9>&-
}

# ------------------------------------------------------------------------------------- servers

PIDS=()
TMPDIRS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  local d
  for d in "${TMPDIRS[@]:-}"; do
    [ -n "$d" ] && [ -z "${KEEP_TMP:-}" ] && rm -rf "$d"
  done
  return 0
}

new_workdir() { # sets WORK to a new temp dir that cleanup removes (not in a subshell: TMPDIRS)
  WORK="$(mktemp -d "${BENCH_TMP:-/tmp}/redmap-bench.XXXXXX")" || die "mktemp failed"
  TMPDIRS+=("$WORK")
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ping() { # port seconds
  local i
  for i in $(seq $(( $2 * 20 ))); do
    [ "$(redis-cli -p "$1" PING 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.05
  done
  return 1
}

REDMAP_CMDLINE='bin/redmap-server --port PORT --dir DIR'
REDIS_CMDLINE="redis-server --port PORT --bind 127.0.0.1 --save '' --appendonly no --dir DIR"

# start_redmap DIR LOG [args...]: sets RM_PORT and RM_PID
start_redmap() {
  local dir="$1" logf="$2"
  shift 2
  RM_PORT="$(free_port)"
  "$SNAP/bin/redmap-server" --port "$RM_PORT" --dir "$dir" "$@" >>"$logf" 2>&1 &
  RM_PID=$!
  PIDS+=("$RM_PID")
  wait_ping "$RM_PORT" 60 || { tail -20 "$logf" >&2; die "redmap did not start (log: $logf)"; }
}

# start_redis DIR LOG: sets RD_PORT and RD_PID
start_redis() {
  local dir="$1" logf="$2"
  RD_PORT="$(free_port)"
  redis-server --port "$RD_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --logfile "$logf" --daemonize no &
  RD_PID=$!
  PIDS+=("$RD_PID")
  wait_ping "$RD_PORT" 20 || { tail -20 "$logf" >&2; die "redis-server did not start (log: $logf)"; }
}

stop_pid() { # pid: SIGTERM, wait, then SIGKILL
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}

# -------------------------------------------------------------------------- one benchmark run

# run_bench PORT PIPELINE CLIENTS N CMD...: one redis-benchmark run. Sets B_RPS, B_P50, B_P99, B_MAX,
# B_STATUS (ok, or why the figure is not one: exit code, error replies counted by the server).
run_bench() {
  local port="$1" pipe="$2" clients="$3" n="$4"
  shift 4
  local e0 e1 out rc
  e0="$($RESP errors "$port" 2>/dev/null || echo -1)"
  # bench/special/tls loads a server's TLS port (BENCH_PORT_MAP: plain port -> TLS port, with
  # BENCH_OPTS --tls ...) and checks it on the plain one.
  local load_port="${BENCH_PORT_MAP[$port]:-$port}"
  # shellcheck disable=SC2086
  # The subshell's `times` (its children's user and system time: redis-benchmark's) goes to a
  # file: B_CLIENT_CPU, the client's CPU seconds for the run.
  local times_file="${WORK:-/tmp}/.client-times.$$"
  out="$(timeout "$BENCH_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$load_port" ${BENCH_OPTS:-} -c "$clients" -n "$n" \
    -P "$pipe" --csv "$@" 2>&1; rc=$?; times >"$times_file"; exit $rc)"
  rc=$?
  B_CLIENT_CPU="$(sed -n 2p "$times_file" 2>/dev/null | awk '{t = 0; for (i = 1; i <= 2; i++) {split($i, p, "m"); t += p[1] * 60 + p[2]} printf "%.3f", t}')"
  rm -f "$times_file"
  e1="$($RESP errors "$port" 2>/dev/null || echo -1)"
  local line
  line="$(printf '%s\n' "$out" | grep '^"' | grep -v '^"test"' | head -1)"
  B_RPS="$(printf '%s' "$line" | awk -F'","' '{print $2}')"
  B_P50="$(printf '%s' "$line" | awk -F'","' '{print $5}')"
  B_P99="$(printf '%s' "$line" | awk -F'","' '{print $7}')"
  B_MAX="$(printf '%s' "$line" | awk -F'","' '{gsub(/"/, "", $8); print $8}')"
  B_STATUS=ok
  if [ "$rc" -ne 0 ]; then
    B_STATUS="failed(exit $rc: $(printf '%s' "$out" | grep -v '^"' | tr '\n' ' ' | cut -c1-160))"
  elif [ "$e0" -lt 0 ] || [ "$e1" -lt 0 ]; then
    B_STATUS="failed(no INFO stats after the run: server down?)"
  elif [ "$e1" -ne "$e0" ]; then
    B_STATUS="failed($((e1 - e0)) error replies)"
  elif ! [[ "$B_RPS" =~ ^[0-9.]+$ ]] || [ "$(awk -v r="$B_RPS" 'BEGIN{print (r>0)}')" != 1 ]; then
    B_STATUS="failed(no figure in the output: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-160))"
  fi
  [ "$B_STATUS" = ok ] || { B_RPS=0; log "  run failed: $B_STATUS"; }
}

# next_n RPS SECONDS PIPELINE CLIENTS: a request count for about SECONDS at RPS (at least one
# pipeline per client, a multiple of PIPELINE)
next_n() {
  awk -v r="$1" -v s="$2" -v p="$3" -v c="$4" 'BEGIN {
    n = int(r * s); min = p * c; if (n < min) n = min; n = int(n / p) * p; print n }'
}

# bench_pair ID LABEL PIPELINE CLIENTS N0 PORT_A "CMD A" PORT_B "CMD B": checks one reply of each
# command, warms both up (a run of N0 requests, then, when that was shorter, one of about
# WARM_SECONDS), then runs A B A B A B for about RUN_SECONDS each and appends one line per run
# to $RESULTS: id label round side rps p50 p99 n status cmd clients pipeline
bench_pair() {
  local id="$1" label="$2" pipe="$3" clients="$4" n0="$5" pa="$6" ca="$7" pb="$8" cb="$9"
  local side port cmd check n r
  local hook="${BEFORE_RUN:-:}" # called with A or B before every run (warm-ups included)
  declare -A N
  log "$label: A: ${ca:0:60}$([ ${#ca} -gt 60 ] && echo ...) | B: ${cb:0:60}  (-P $pipe -c $clients)"
  for side in A B; do
    if [ $side = A ]; then port=$pa; cmd=$ca; else port=$pb; cmd=$cb; fi
    # shellcheck disable=SC2086
    if ! check="$($RESP check "$port" $cmd 2>&1)"; then
      log "  sample reply of $side is an error: $check"
      for r in $(seq "$ROUNDS"); do
        printf '%s\t%s\t%s\t%s\t0\t\t\t0\t%s\t%s\n' "$id" "$label" "$r" "$side" "failed(sample reply: $check)" "$cmd" >>"$RESULTS"
      done
      N[$side]=0
      continue
    fi
    log "  $side sample reply: $check"
    $hook $side
    # shellcheck disable=SC2086
    run_bench "$port" "$pipe" "$clients" "$n0" $cmd
    n="$(next_n "${B_RPS:-0}" "$WARM_SECONDS" "$pipe" "$clients")"
    if [ "$B_STATUS" = ok ] && [ "$n" -gt "$n0" ]; then
      $hook $side
      # shellcheck disable=SC2086
      run_bench "$port" "$pipe" "$clients" "$n" $cmd
    fi
    N[$side]="$(next_n "${B_RPS:-0}" "$RUN_SECONDS" "$pipe" "$clients")"
    [ "$B_STATUS" = ok ] || N[$side]=0
    log "  $side warm-up: ${B_RPS} req/s -> -n ${N[$side]}"
  done
  for r in $(seq "$ROUNDS"); do
    for side in A B; do
      if [ $side = A ]; then port=$pa; cmd=$ca; else port=$pb; cmd=$cb; fi
      if [ "${N[$side]}" = 0 ]; then
        grep -q "^$id	[^	]*	$r	$side	" "$RESULTS" 2>/dev/null ||
          printf '%s\t%s\t%s\t%s\t0\t\t\t0\t%s\t%s\n' "$id" "$label" "$r" "$side" "failed(warm-up)" "$cmd" >>"$RESULTS"
        continue
      fi
      $hook $side
      # shellcheck disable=SC2086
      run_bench "$port" "$pipe" "$clients" "${N[$side]}" $cmd
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$r" "$side" "$B_RPS" "$B_P50" "$B_P99" \
        "${N[$side]}" "$B_STATUS" "$cmd" "$clients" "$pipe" >>"$RESULTS"
      log "  round $r $side: $B_RPS req/s (p50 ${B_P50} ms, p99 ${B_P99} ms) $B_STATUS"
    done
  done
}

# summarize RESULTS: one TSV line per load: id label rpsA1..3 rpsB1..3 median_ratio status
# (status "ok", or the first failure: a load with a failed run has no ratio)
summarize() {
  awk -F'\t' '
    { key = $1; if (!(key in label)) { order[++k] = key; label[key] = $2 }
      rps[key, $3, $4] = $5; if ($9 != "ok" && !(key in bad)) bad[key] = $9; rounds[key] = ($3 > rounds[key] ? $3 : rounds[key]) }
    END {
      for (i = 1; i <= k; i++) {
        key = order[i]; m = 0; line = key "\t" label[key]
        for (s = 1; s <= 2; s++) { side = (s == 1 ? "A" : "B"); cells = ""
          for (r = 1; r <= rounds[key]; r++) cells = cells (r > 1 ? " " : "") rps[key, r, side]
          line = line "\t" cells }
        if (key in bad) { print line "\t\t" bad[key]; continue }
        for (r = 1; r <= rounds[key]; r++) ratio[++m] = rps[key, r, "A"] / rps[key, r, "B"]
        # median of the pairwise ratios
        for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (ratio[b] < ratio[a]) { t = ratio[a]; ratio[a] = ratio[b]; ratio[b] = t }
        med = (m % 2 ? ratio[(m + 1) / 2] : (ratio[m / 2] + ratio[m / 2 + 1]) / 2)
        printf "%s\t%.3f\tok\n", line, med
      }
    }' "$1"
}

fmt_rps() { # "12.34 5678.9" -> "12.3 / 5,679"
  /usr/bin/python3 -c 'import sys; print(" / ".join((f"{float(x):,.0f}" if float(x) >= 100 else f"{float(x):.1f}") for x in sys.argv[1].split()) if sys.argv[1].strip() else "-")' "$1"
}

machine_info() { # markdown lines
  local cpu mem jv rv
  cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  jv="$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
  rv="$(redis-server --version)"
  echo "- CPU: $(nproc) cores ($cpu), memory: $mem, kernel: $(uname -sr)"
  echo "- JDK: $jv"
  echo "- Redis: $rv; $(redis-benchmark --version 2>/dev/null || echo redis-benchmark)"
  echo "- Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared: figures vary between runs)"
}

# chart TSV PNG TITLE: a bar chart of the ratios (lines: label<TAB>ratio<TAB>target)
chart() {
  "$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_DIR/tools/Chart.java" "$1" "$2" "$3"
}

# pair_ratio ID: the median ratio A/B of a load in $RESULTS, or "" when a run failed
pair_ratio() {
  summarize "$RESULTS" | awk -F'\t' -v i="$1" '$1 == i && $6 == "ok" {print $5}'
}

# pair_line ID: "A: r1 / r2 / r3 req/s; B: ... ; ratio" for the markdown of special measurements
pair_line() {
  summarize "$RESULTS" | awk -F'\t' -v i="$1" '$1 == i' | while IFS=$'\t' read -r _ _ a b ratio status; do
    echo "A: $(fmt_rps "$a") req/s; B: $(fmt_rps "$b") req/s; ratio A/B (median): ${ratio:-none ($status)}"
  done
}

# ------------------------------------------------------------------- special measurements

# special_setup ARGS...: for the scripts of bench/special (after sourcing this file)
special_setup() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  build_snapshot
  new_workdir
  RESULTS="$WORK/results.tsv"
  : >"$RESULTS"
  SPECIAL_FAILED=0
}

md() { # a line of the markdown report (printed, and appended to $BENCH_MD_OUT when set)
  echo "$*"
  [ -n "${BENCH_MD_OUT:-}" ] && echo "$*" >>"$BENCH_MD_OUT"
  return 0
}

chart_row() { # label ratio [target]: a bar of bench/run's chart
  [ -n "${BENCH_CHART_OUT:-}" ] && printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$BENCH_CHART_OUT"
  return 0
}

verdict() { # condition-as-awk-expression -> "yes"/"NO"
  awk "BEGIN { print (($1) ? \"yes\" : \"NO\") }"
}

rss_kb() { # pid field (RssAnon, RssFile, VmRSS): kB
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# ------------------------------------------------------------- server CPU time per request

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # pid: utime + stime, in clock ticks

# cpu_per_request PID PORT PIPE N CMD...: one redis-benchmark run of N requests (-c $CLIENTS);
# prints the microseconds of server CPU (user + system, /proc/PID/stat around the run) per request,
# then those of the client (redis-benchmark's user + system), or nothing when the run failed.
# Throughput on a shared machine swings with the neighbours' load; what one request costs the
# server swings much less. On two cores the client's cost decides as much as the server's: where
# redis-benchmark needs more CPU per request against one server (a longer command line to send),
# that server's throughput is lower at equal server cost.
cpu_per_request() {
  local pid="$1" port="$2" pipe="$3" n="$4" t0 t1
  shift 4
  t0="$(cpu_ticks "$pid")"
  # shellcheck disable=SC2086
  run_bench "$port" "$pipe" "$CLIENTS" "$n" "$@"
  t1="$(cpu_ticks "$pid")"
  [ "$B_STATUS" = ok ] && awk -v d="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="$n" -v c="${B_CLIENT_CPU:-0}" \
    'BEGIN {printf "%.3f %.3f", d * 1e6 / hz / n, c * 1e6 / n}'
}

#!/usr/bin/env bash
# Restart to first token with a large registry, against a fresh store on 127.0.0.1 only:
#   keycard-benchmarks/restart.sh [--clients 100000] [--store sqlite|postgresql] [--runs 5]
#                                 [--baseline-jar FILE] [--baseline-opts 'JVM OPTIONS'] [--load SECONDS]
# Creates N clients once through the admin API (8 at a time, each granted one scope), then
# restarts the server RUNS times on that store and reports, per restart: milliseconds from launch
# to the first token, the registry read the server logs, heap after a full GC, RSS, and the
# latency of the client list's first page (GET /admin/v1/clients, 200 after 20 to warm up). With
# --baseline-jar (another build of keycard.jar, e.g. main's, copied elsewhere), each restart of
# this build alternates with one of that build on the same store, so that both meet the same
# machine; --baseline-opts adds JVM options to the baseline's only (to compare a JVM option, give
# the same jar). With --load, each restarted server then serves SECONDS of token requests from
# clients picked at random among the N (wrk, 2 threads, 64 connections, as scale.sh): tokens/s,
# p99, Keycard's CPU per token, and the CPU of its background thread, which writes the usage the
# token path notes (every secret.last-used-flush). Prints Markdown on stdout (progress on stderr).
# Needs curl, python3, a JDK >= 21 (bin/find-jdk) and keycard-server/target/keycard.jar.
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

clients=100000 store=sqlite runs=5 baseline_jar="" baseline_opts="" load=0
start_limit=120

usage() {
  echo "usage: keycard-benchmarks/restart.sh [--clients N] [--store sqlite|postgresql] [--runs N] [--baseline-jar FILE] [--baseline-opts 'JVM OPTIONS'] [--load SECONDS]"
}
script=restart.sh
# shellcheck source=script-lib.sh
source "$here/script-lib.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$(value_of "$@"); shift 2 ;;
    --store) store=$(value_of "$@"); shift 2 ;;
    --runs) runs=$(value_of "$@"); shift 2 ;;
    --baseline-jar) baseline_jar=$(value_of "$@"); shift 2 ;;
    --baseline-opts) baseline_opts=$(value_of "$@"); shift 2 ;;
    --load) load=$(value_of "$@"); shift 2 ;;
    --clients=*) clients=${1#*=}; shift ;;
    --store=*) store=${1#*=}; shift ;;
    --runs=*) runs=${1#*=}; shift ;;
    --baseline-jar=*) baseline_jar=${1#*=}; shift ;;
    --baseline-opts=*) baseline_opts=${1#*=}; shift ;;
    --load=*) load=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
require_whole_numbers "$clients" "$runs"
[ "$load" = 0 ] || require_whole_numbers "$load"
case "$store" in sqlite|postgresql) ;; *) bad_usage "--store is sqlite or postgresql, not '$store'" ;; esac
[ -z "$baseline_jar" ] || [ -f "$baseline_jar" ] || bad_usage "--baseline-jar $baseline_jar: no such file"
[ -z "$baseline_opts" ] || [ -n "$baseline_jar" ] || bad_usage "--baseline-opts needs --baseline-jar"
require_tools curl python3
[ "$load" = 0 ] || require_tools wrk

# shellcheck source=server-lib.sh
source "$here/server-lib.sh"
this_jar=$jar this_opts=$java_opts
use_build() { # jar, extra JVM options: what start_server launches next
  jar=$1
  "$root/bin/prepare-start-cache" "$JAVA_HOME" "$jar" > /dev/null 2>&1 || true
  java_opts="$("$root/bin/jvm-opts" "$JAVA_HOME" "$jar" serve) ${BENCH_EXTRA_JAVA_OPTS:-} $2"
  read -r -a java_opts_array <<< "$java_opts"
}
if [ -n "$baseline_jar" ]; then
  baseline_jar=$(cd "$(dirname "$baseline_jar")" && pwd)/$(basename "$baseline_jar")
  use_build "$baseline_jar" "$baseline_opts"
  baseline_java_opts=$java_opts
  use_build "$this_jar" ""
fi

api=https://jobs.scale
echo "restart.sh: starting Keycard ($store) on $base" >&2
start_server
[ "$(admin_call POST /admin/v1/apis "{\"identifier\":\"$api\",\"name\":\"Scale\",\"scopes\":[\"bench:read\"],\
\"signing_alg\":\"ES256\",\"token_lifetime\":3600}" "$work/api.json")" = 201 ] || die "API: $(cat "$work/api.json")"
echo "restart.sh: creating $clients clients" >&2
driver create "$base" "$clients" "$clients" 8 "$api" "$work/clients.txt" > /dev/null
stop_server

restart() { # label: one table row
  local registry_ms heap rss page_p50 page_p99 page_cold
  : > "$work/server.log"
  start_server
  registry_ms=$(grep -o 'registry: [0-9]* clients read in [0-9]* ms' "$work/server.log" | tail -n 1 | awk '{ print $(NF - 1) }')
  sleep 5
  heap=$(heap_mib)
  rss=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
  read -r page_p50 page_p99 page_cold <<< "$(driver page "$base" 200)"
  local under_load=""
  if [ "$load" != 0 ]; then
    local cpu0 bg0 rate p50 p99 non2xx
    cpu0=$(cpu_ticks) bg0=$(background_ticks)
    read -r rate p50 p99 non2xx <<< "$(SCALE_CREDENTIALS=$work/clients.txt SCALE_BODY=$body \
      run_wrk "$here/scale/random-client.lua" "$load" /oauth2/token "$work/wrk.txt")"
    [ "$non2xx" = 0 ] || die "$non2xx token requests were refused"
    under_load=$(awk -v r="$rate" -v p="$p99" -v t=$(($(cpu_ticks) - cpu0)) -v b=$(($(background_ticks) - bg0)) \
      -v hz="$ticks_per_second" -v s="$load" \
      'BEGIN { printf " %d/s | %.2f ms | %.0f µs | %.1f s |", r, p, t / hz / (r * s) * 1e6, b / hz }')
  fi
  stop_server
  echo "| $1 | $started_ms ms | ${registry_ms:-?} ms | $heap MiB | $rss MiB | $page_p50 / $page_p99 ms |$under_load"
}
background_ticks() { # user + system CPU time of the server's background thread (usage flush, purges)
  local task stat rest
  local -a fields
  for task in /proc/"$server_pid"/task/*; do
    [ "$(cat "$task/comm" 2>/dev/null)" = keycard-backgro ] || continue
    stat=$(< "$task/stat")
    rest=${stat##*) }
    read -r -a fields <<< "$rest"
    echo $((fields[11] + fields[12]))
    return
  done
  echo 0
}
body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$api")"
rows=""
for i in $(seq 1 "$runs"); do
  echo "restart.sh: restart $i of $runs" >&2
  use_build "$this_jar" ""
  rows+="$(restart "this build, $i")"$'\n'
  if [ -n "$baseline_jar" ]; then
    use_build "$baseline_jar" "$baseline_opts"
    rows+="$(restart "baseline, $i")"$'\n'
  fi
done

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
store_note=""
if [ "$store" = postgresql ]; then
  store_note="; PostgreSQL autovacuum: $(driver setting "$store_url" autovacuum) (no \`ANALYZE\` by this script)"
fi
load_head="" load_rule=""
if [ "$load" != 0 ]; then
  load_head=" then ${load} s of random clients: tokens/s | p99 | Keycard CPU per token | background thread CPU |"
  load_rule="---:|---:|---:|---:|"
fi
cat <<EOF
### Restart with $clients clients on $store

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}; JDK: $("$java" -version 2>&1 | head -n 1)
- JVM options: \`$this_opts\`${baseline_jar:+; baseline: \`$baseline_java_opts\`}$store_note

| restart | launch to first token | reading the registry (the server's log) | heap after a full GC | RSS | client list's first page, p50 / p99 |$load_head
|---|---:|---:|---:|---:|---:|$load_rule
${rows%$'\n'}
EOF

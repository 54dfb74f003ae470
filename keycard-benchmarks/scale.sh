#!/usr/bin/env bash
# Keycard with a large registry, against a fresh server on 127.0.0.1 only:
#   keycard-benchmarks/scale.sh [--clients 100000] [--store sqlite|postgresql] [--block 10000]
#                               [--concurrency 8] [--duration 15]
# In one run, with the same server: idle CPU, heap and token throughput with an empty registry;
# then N clients created through the admin API (CONCURRENCY at a time; creates/s and latency per
# block); heap per client; token throughput with a client picked at random among the N, side by
# side with the empty registry's; the first page of the client list; a restart to ready; then
# N tokens revoked, and idle CPU, token throughput and introspection again with N live revocations.
# Prints Markdown on stdout (progress on stderr).
# PostgreSQL: KEYCARD_SCALE_POSTGRES_URL, default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# a fresh schema is made and dropped.
# Needs wrk, curl, python3, a JDK >= 21 (bin/find-jdk) and keycard-server/target/keycard.jar
# (./keycard --help builds it).
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

clients=100000 store=sqlite block=10000 concurrency=8 duration=15
idle_seconds=20 start_limit=120 warmup=10

usage() {
  echo "usage: keycard-benchmarks/scale.sh [--clients N] [--store sqlite|postgresql] [--block N] [--concurrency N] [--duration SECONDS]"
}
script=scale.sh
# shellcheck source=script-lib.sh
source "$here/script-lib.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$(value_of "$@"); shift 2 ;;
    --store) store=$(value_of "$@"); shift 2 ;;
    --block) block=$(value_of "$@"); shift 2 ;;
    --concurrency) concurrency=$(value_of "$@"); shift 2 ;;
    --duration) duration=$(value_of "$@"); shift 2 ;;
    --clients=*) clients=${1#*=}; shift ;;
    --store=*) store=${1#*=}; shift ;;
    --block=*) block=${1#*=}; shift ;;
    --concurrency=*) concurrency=${1#*=}; shift ;;
    --duration=*) duration=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
require_whole_numbers "$clients" "$block" "$concurrency" "$duration"
case "$store" in sqlite|postgresql) ;; *) bad_usage "--store is sqlite or postgresql, not '$store'" ;; esac
require_tools curl python3

# shellcheck source=server-lib.sh
source "$here/server-lib.sh"

api=https://jobs.scale
body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse as u; print(u.quote_plus(sys.argv[1]))' "$api")"
tokens() { # credentials file, label: one table row of token throughput
  local r
  SCALE_CREDENTIALS=$1 SCALE_BODY=$body run_wrk "$here/scale/random-client.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null
  r=$(SCALE_CREDENTIALS=$1 SCALE_BODY=$body run_wrk "$here/scale/random-client.lua" "$duration" /oauth2/token "$work/wrk.txt")
  read -r rate p50 p99 non2xx <<< "$r"
  [ "$non2xx" = 0 ] || die "$non2xx token requests failed ($2)"
  echo "| token, $2 | $rate | $p50 ms | $p99 ms |"
}
introspection() { # label
  local r
  SCALE_AUTHORIZATION=$introspector SCALE_TOKEN=$probe_token \
    run_wrk "$here/scale/introspect.lua" "$warmup" /oauth2/introspect "$work/warm-i.txt" > /dev/null
  r=$(SCALE_AUTHORIZATION=$introspector SCALE_TOKEN=$probe_token \
    run_wrk "$here/scale/introspect.lua" "$duration" /oauth2/introspect "$work/wrk-i.txt")
  read -r rate p50 p99 non2xx <<< "$r"
  [ "$non2xx" = 0 ] || die "$non2xx introspection requests failed ($1)"
  echo "| introspection, $1 | $rate | $p50 ms | $p99 ms |"
}

echo "scale.sh: starting Keycard ($store) on $base" >&2
start_server
first_start_ms=$started_ms
[ "$(admin_call POST /admin/v1/apis "{\"identifier\":\"$api\",\"name\":\"Scale\",\"scopes\":[\"bench:read\"],\
\"signing_alg\":\"ES256\",\"token_lifetime\":3600}" "$work/api.json")" = 201 ] || die "API: $(cat "$work/api.json")"
[ "$(admin_call POST /admin/v1/clients "{\"client_id\":\"scale-introspector\",\"name\":\"Introspector\",\
\"grants\":[{\"api\":\"urn:keycard:admin\",\"scopes\":[\"keycard:introspect\"]},{\"api\":\"$api\",\"scopes\":[\"bench:read\"]}]}" \
  "$work/introspector.json")" = 201 ] || die "client: $(cat "$work/introspector.json")"
introspector_secret=$(json_field client_secret < "$work/introspector.json")
introspector=$(python3 -c 'import base64, sys; print("Basic " + base64.b64encode(("scale-introspector:" + sys.argv[1]).encode()).decode())' "$introspector_secret")
echo "$introspector" > "$work/one-client.txt"
probe_token=$(curl -sS -H "Authorization: $introspector" -d "$body" "$base/oauth2/token" | json_field access_token)

echo "scale.sh: empty registry: idle CPU, heap, tokens, introspection" >&2
idle_empty=$(idle_cpu_percent)
heap_empty=$(heap_mib)
tokens_empty=$(tokens "$work/one-client.txt" "empty registry (1 client)")
intro_empty=$(introspection "no revocations")

echo "scale.sh: creating $clients clients, $concurrency at a time" >&2
creates=$(driver create "$base" "$clients" "$block" "$concurrency" "$api" "$work/clients.txt")
echo "$creates" >&2
heap_full=$(heap_mib)
per_client=$(awk -v a="$heap_empty" -v b="$heap_full" -v n="$clients" 'BEGIN { printf "%.2f", (b - a) * 1024 / n }')
echo "scale.sh: tokens for a random client of $clients" >&2
tokens_full=$(tokens "$work/clients.txt" "random client of $clients")
tokens_full_one=$(tokens "$work/one-client.txt" "1 client, $clients registered")
read -r page_p50 page_p99 page_cold <<< "$(driver page "$base" 200)"

echo "scale.sh: restart" >&2
stop_server
start_server
restart_ms=$started_ms
registry_ms=$(grep -o 'registry: [0-9]* clients read in [0-9]* ms' "$work/server.log" | tail -n 1 | awk '{ print $(NF - 1) }')
rss_restarted=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")

echo "scale.sh: revoking $clients tokens" >&2
revocations_per_s=$(driver revoke "$base" "$clients" "$concurrency" scale-introspector "$introspector_secret" "$api")
idle_revoked=$(idle_cpu_percent)
tokens_revoked=$(tokens "$work/clients.txt" "random client of $clients, $clients revocations")
intro_revoked=$(introspection "$clients live revocations")

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
### $clients clients on $store

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}; JDK: $("$java" -version 2>&1 | head -n 1)
- JVM options: \`$java_opts\`; load: wrk, 2 threads, 64 connections, ${duration}s after a ${warmup}s warm-up

Client creation through the admin API, $concurrency at a time:

$creates

| measure | value |
|---|---:|
| first start to first token | $first_start_ms ms |
| restart to first token, $clients clients | $restart_ms ms |
| of which reading the registry (the server's log) | ${registry_ms:-?} ms |
| RSS after the restart | $rss_restarted MiB |
| heap after a full GC, empty registry | $heap_empty MiB |
| heap after a full GC, $clients clients | $heap_full MiB |
| heap per client | $per_client KiB |
| first page of the client list (100), p50 / p99 of 200 after 20 to warm up | $page_p50 / $page_p99 ms |
| first page of the client list, the run's first list request (not yet compiled) | $page_cold ms |
| revocations through /oauth2/revoke, $concurrency at a time | $revocations_per_s /s |
| idle CPU, empty registry | $idle_empty % of a core |
| idle CPU, $clients clients and $clients live revocations | $idle_revoked % of a core |

| load | requests/s | p50 | p99 |
|---|---:|---:|---:|
$tokens_empty
$tokens_full_one
$tokens_full
$tokens_revoked
$intro_empty
$intro_revoked
EOF

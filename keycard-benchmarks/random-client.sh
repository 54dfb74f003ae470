#!/usr/bin/env bash
# What a random client of a large registry costs against the one client of an empty registry, in
# pairs, on 127.0.0.1 only:
#   keycard-benchmarks/random-client.sh [--clients 100000] [--store sqlite|postgresql] [--rounds 5]
#                                       [--duration 15] [--warmup 10]
# Makes two stores once: one with a single client (the empty registry), one with N clients (made
# through the admin API, 8 at a time, each granted one scope). Then, in each round, a fresh server
# on each store in turn (the order alternating from round to round, so that neither always meets
# the machine first): a WARMUP-second warm-up and DURATION seconds of wrk (2 threads, 64 connections)
# asking for tokens, on the empty store always with its one client, on the full one each request
# with a client picked at random among the N (scale/random-client.lua). Each pair is one round's
# two rows; the ratio of each pair is printed, and the median of the ratios. Both servers meet the
# same JIT warm-up and the same machine, which one scale.sh run (empty registry first, at the
# start) cannot give. Prints Markdown on stdout (progress on stderr).
# PostgreSQL: KEYCARD_SCALE_POSTGRES_URL, default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# two fresh schemas are made and dropped.
# Needs wrk, curl, python3, a JDK >= 21 (bin/find-jdk) and keycard-server/target/keycard.jar
# (./keycard --help builds it).
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

clients=100000 store=sqlite rounds=5 duration=15 warmup=10 start_limit=120

usage() {
  echo "usage: keycard-benchmarks/random-client.sh [--clients N] [--store sqlite|postgresql] [--rounds N] [--duration SECONDS] [--warmup SECONDS]"
}
script=random-client.sh
# shellcheck source=script-lib.sh
source "$here/script-lib.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$(value_of "$@"); shift 2 ;;
    --store) store=$(value_of "$@"); shift 2 ;;
    --rounds) rounds=$(value_of "$@"); shift 2 ;;
    --duration) duration=$(value_of "$@"); shift 2 ;;
    --warmup) warmup=$(value_of "$@"); shift 2 ;;
    --clients=*) clients=${1#*=}; shift ;;
    --store=*) store=${1#*=}; shift ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    --duration=*) duration=${1#*=}; shift ;;
    --warmup=*) warmup=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
require_whole_numbers "$clients" "$rounds" "$duration" "$warmup"
case "$store" in sqlite|postgresql) ;; *) bad_usage "--store is sqlite or postgresql, not '$store'" ;; esac
require_tools curl python3

# shellcheck source=server-lib.sh
source "$here/server-lib.sh"

api=https://jobs.scale
body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$api")"

# The two stores: on SQLite two data directories moved in and out of $work/data (where start_server
# points the server); on PostgreSQL two schemas ($store_url is the one start_server uses).
empty_url="" full_url=""
if [ "$store" = postgresql ]; then
  empty_url=$store_url
  full_url=$(driver schema-create "${KEYCARD_SCALE_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}") \
    || die "no second PostgreSQL schema"
  # cleanup (server-lib.sh) drops the schema $store_url names and exits with the status it finds.
  trap 'status=$?; driver schema-drop "$full_url" > /dev/null 2>&1 || true; store_url=$empty_url; (exit "$status"); cleanup' EXIT
fi
use_store() { # empty|full
  if [ "$store" = postgresql ]; then
    if [ "$1" = empty ]; then store_url=$empty_url; else store_url=$full_url; fi
  else
    rm -rf "$work/data"
    cp -a "$work/store-$1" "$work/data"
  fi
}
make_store() { # empty|full, clients, credentials file
  if [ "$store" = sqlite ]; then
    rm -rf "$work/data"
  else
    use_store "$1"
  fi
  start_server
  [ "$(admin_call POST /admin/v1/apis "{\"identifier\":\"$api\",\"name\":\"Scale\",\"scopes\":[\"bench:read\"],\
\"signing_alg\":\"ES256\",\"token_lifetime\":3600}" "$work/api.json")" = 201 ] || die "API: $(cat "$work/api.json")"
  driver create "$base" "$2" "$2" 8 "$api" "$3" > /dev/null
  stop_server
  if [ "$store" = sqlite ]; then
    mv "$work/data" "$work/store-$1"
  fi
}
echo "random-client.sh: making the empty store (one client) and the full one ($clients clients, $store)" >&2
make_store empty 1 "$work/one.txt"
make_store full "$clients" "$work/all.txt"

row() { # empty|full, round: one table row, and "rate" in $work/rate-<empty|full>-<round>
  local which=$1 credentials label cpu0 rate p50 p99 non2xx
  if [ "$which" = empty ]; then
    credentials=$work/one.txt label="1 registered, its client"
  else
    credentials=$work/all.txt label="$clients registered, a random one"
  fi
  use_store "$which"
  : > "$work/server.log"
  start_server
  SCALE_CREDENTIALS=$credentials SCALE_BODY=$body \
    run_wrk "$here/scale/random-client.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null
  cpu0=$(cpu_ticks)
  read -r rate p50 p99 non2xx <<< "$(SCALE_CREDENTIALS=$credentials SCALE_BODY=$body \
    run_wrk "$here/scale/random-client.lua" "$duration" /oauth2/token "$work/wrk.txt")"
  [ "$non2xx" = 0 ] || die "$non2xx token requests were refused"
  echo "$rate" > "$work/rate-$which-$2"
  awk -v r="$rate" -v p5="$p50" -v p9="$p99" -v t=$(($(cpu_ticks) - cpu0)) -v hz="$ticks_per_second" \
    -v s="$duration" -v round="$2" -v label="$label" \
    'BEGIN { printf "| %d | %s | %d | %.2f ms | %.2f ms | %.0f µs |\n", round, label, r, p5, p9, t / hz / (r * s) * 1e6 }'
  stop_server
}

rows="" ratios=""
for round in $(seq 1 "$rounds"); do
  echo "random-client.sh: round $round of $rounds" >&2
  if [ $((round % 2)) = 1 ]; then order="empty full"; else order="full empty"; fi
  for which in $order; do
    rows+="$(row "$which" "$round")"$'\n'
  done
  ratios+="$(awk -v e="$(cat "$work/rate-empty-$round")" -v f="$(cat "$work/rate-full-$round")" \
    'BEGIN { printf "%+.1f", (f / e - 1) * 100 }') "
done
median=$(printf '%s\n' $ratios | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%+.1f", m }')

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
### A random client of $clients against an empty registry, $store, in pairs

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}; JDK: $("$java" -version 2>&1 | head -n 1)
- JVM options: \`$java_opts\`; load: wrk, 2 threads, 64 connections, ${duration}s after a ${warmup}s warm-up,
  a fresh server for each row; within a round the two rows ran in the order shown

| round | registry, credentials | tokens/s | p50 | p99 | Keycard CPU per token |
|---|---|---:|---:|---:|---:|
$(printf '%s' "$rows")

Tokens/s of the random client against the empty registry, round by round: $(printf '%s %%, ' $ratios | sed 's/, $//'); median **$median %**.
EOF

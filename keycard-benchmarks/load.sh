#!/usr/bin/env bash
# Load test of Keycard's token endpoint with wrk, against a fresh server on 127.0.0.1 only.
#   keycard-benchmarks/load.sh [--duration 20s] [--connections 64] [--threads 2] [--alg RS256|ES256|both] [--rate N]
# Without --rate, every connection sends as fast as answers come (saturation). With --rate N,
# each connection waits connections/N seconds after each answer, holding the offered load near
# N tokens/s (a little under it: the wait comes after the answer), to read latency at that rate.
# Prints, as Markdown on stdout (progress goes to stderr): start to first token, idle RSS and, for
# each signing algorithm, tokens/s, p50 and p99 latency, server CPU per token and non-2xx answers.
# shared/floor.md measured the peers the same way: wrk, 2 threads, 64 connections, keep-alive,
# load generator on the same 2-core machine.
# Needs wrk, curl, python3, a JDK >= 21 (bin/find-jdk) and keycard-server/target/keycard.jar
# (./keycard --help builds it). JVM options as ./keycard: KEYCARD_JAVA_OPTS, else its defaults.
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

duration=20s connections=64 threads=2 alg=both rate=0
warmup_seconds=10 idle_seconds=5 start_limit=60

usage() {
  echo "usage: keycard-benchmarks/load.sh [--duration 20s] [--connections 64] [--threads 2] [--alg RS256|ES256|both] [--rate N]"
}
die() {
  echo "load.sh: $*" >&2
  exit 1
}
value_of() { # option, the arguments after it: the option's value, or a usage error
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    echo "load.sh: $1 needs a value" >&2
    usage >&2
    exit 2
  fi
  printf '%s' "$2"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$(value_of "$@"); shift 2 ;;
    --connections) connections=$(value_of "$@"); shift 2 ;;
    --threads) threads=$(value_of "$@"); shift 2 ;;
    --alg) alg=$(value_of "$@"); shift 2 ;;
    --rate) rate=$(value_of "$@"); shift 2 ;;
    --rate=*) rate=${1#*=}; shift ;;
    --duration=*) duration=${1#*=}; shift ;;
    --connections=*) connections=${1#*=}; shift ;;
    --threads=*) threads=${1#*=}; shift ;;
    --alg=*) alg=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "load.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

bad_usage() { echo "load.sh: $*" >&2; usage >&2; exit 2; }
if [[ $duration =~ ^([0-9]+)(s?)$ ]]; then
  seconds=$((10#${BASH_REMATCH[1]}))
elif [[ $duration =~ ^([0-9]+)m$ ]]; then
  seconds=$((10#${BASH_REMATCH[1]} * 60))
else
  bad_usage "--duration must be seconds or minutes, e.g. 20s or 2m: $duration"
fi
if [ "$seconds" -lt 1 ] || [ "$seconds" -gt 3600 ]; then
  bad_usage "--duration must be from 1s to 60m"
fi
[[ $connections =~ ^[1-9][0-9]{0,4}$ ]] || bad_usage "--connections must be a number from 1: $connections"
[[ $threads =~ ^[1-9][0-9]{0,2}$ ]] || bad_usage "--threads must be a number from 1: $threads"
[ "$threads" -le "$connections" ] || bad_usage "--threads ($threads) must not exceed --connections ($connections)"
[[ $rate =~ ^[0-9]{1,7}$ ]] || bad_usage "--rate must be a number of tokens/s: $rate"
delay_ms=0
if [ "$rate" -gt 0 ]; then delay_ms=$((connections * 1000 / rate)); fi
case "${alg^^}" in
  RS256) algs=(RS256) ;;
  ES256) algs=(ES256) ;;
  BOTH) algs=(RS256 ES256) ;;
  *) bad_usage "--alg must be RS256, ES256 or both: $alg" ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
  echo "load.sh: wrk is not installed. On Debian/Ubuntu: apt-get install -y wrk (with sudo unless root)." >&2
  exit 1
fi
for tool in curl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (on Debian/Ubuntu: apt-get install -y $tool)"
done
JAVA_HOME=$("$(dirname "$0")/../bin/find-jdk")
java="$JAVA_HOME/bin/java"
jar="$root/keycard-server/target/keycard.jar"
if [ ! -f "$jar" ]; then
  die "$jar is missing: build it once with ./keycard --help (in $root), then run this again"
fi
if [ -n "$(find "$root/keycard-protocol/src/main" "$root/keycard-resource/src/main" "$root/keycard-server/src/main" "$root/keycard-server/pom.xml" \
      -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "load.sh: warning: $jar is older than the sources; ./keycard --help rebuilds it" >&2
fi
# The same JVM options and start-up cache as `./keycard serve`.
"$root/bin/prepare-start-cache" "$JAVA_HOME" "$jar" || true
java_opts=$("$root/bin/jvm-opts" "$JAVA_HOME" "$jar" serve)
read -r -a java_opts_array <<< "$java_opts"

work=$(mktemp -d "${TMPDIR:-/tmp}/keycard-load.XXXXXX")
server_pid=""
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$work/server.log" ]; then
    echo "load.sh: the server's last log lines:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

json_field() { # name: that field of the JSON object on stdin
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
rss_mib() { # VmRSS or VmHWM of the server, in MiB
  awk -v key="$1:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"
}
cpu_ticks() { # the server's user + system CPU time so far, in clock ticks (proc(5): fields 14 and 15)
  local stat rest
  local -a fields
  stat=$(< "/proc/$server_pid/stat")
  rest=${stat##*) } # fields from the 3rd on; the command name in field 2 may hold spaces
  read -r -a fields <<< "$rest"
  echo $((fields[11] + fields[12]))
}
http_code() { # curl arguments: the HTTP status, 000 when nothing answered
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true
}
ticks_per_second=$(getconf CLK_TCK)

# Secrets go to curl in files, never on a command line.
admin_secret=$(python3 -c 'import secrets; print("kcs_" + secrets.token_urlsafe(32))')
printf 'user = "keycard-admin:%s"\n' "$admin_secret" > "$work/admin.curlrc"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
env_settings=$(compgen -e | grep '^KEYCARD_' \
  | grep -vxE 'KEYCARD_(URL|CONFIG|CLIENT_ID|CLIENT_SECRET|JAVA_OPTS|ADMIN_CLIENT_ID|ADMIN_CLIENT_SECRET|HTTP_HOST|HTTP_PORT|DATA_DIR)' \
  | tr '\n' ' ' || true)

echo "load.sh: starting Keycard on $base (data in $work)" >&2
start_ns=$(date +%s%N)
# In the temporary directory, without KEYCARD_CONFIG: no keycard.properties is read.
(cd "$work" && exec env -u KEYCARD_CONFIG KEYCARD_ADMIN_CLIENT_SECRET="$admin_secret" \
  "$java" "${java_opts_array[@]}" -jar "$jar" serve \
  --set http.host=127.0.0.1 --set "http.port=$port" --set "data.dir=$work/data" \
  --set admin.client-id=keycard-admin) > "$work/server.log" 2>&1 &
server_pid=$!

first_token_ms=""
while [ -z "$first_token_ms" ]; do
  if [ "$(http_code -K "$work/admin.curlrc" -d grant_type=client_credentials "$base/oauth2/token")" = 200 ]; then
    first_token_ms=$((($(date +%s%N) - start_ns) / 1000000))
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || die "the server exited while starting"
  [ $((($(date +%s%N) - start_ns) / 1000000000)) -lt "$start_limit" ] || die "no token within ${start_limit}s of the start"
  sleep 0.01
done
start_cpu_ms=$(($(cpu_ticks) * 1000 / ticks_per_second))
until [ "$(http_code "$base/health/ready")" = 200 ]; do
  [ $((($(date +%s%N) - start_ns) / 1000000000)) -lt "$start_limit" ] || die "/health/ready not 200 within ${start_limit}s"
  sleep 0.1
done
echo "load.sh: first token after $first_token_ms ms; idle for ${idle_seconds}s" >&2
sleep "$idle_seconds"
idle_rss=$(rss_mib VmRSS)

admin_post() { # path, JSON body, file for the answer: fails unless 201
  local code
  code=$(curl -sS -o "$3" -w '%{http_code}' --max-time 10 -H "@$work/bearer.header" \
    -H 'Content-Type: application/json' --data-binary "$2" "$base$1") || die "POST $1 failed"
  [ "$code" = 201 ] || die "POST $1 answered $code: $(cat "$3")"
}
api_identifier() { echo "https://${1,,}.bench"; }

curl -sS --fail --max-time 10 -K "$work/admin.curlrc" -d grant_type=client_credentials \
  -o "$work/admin-token.json" "$base/oauth2/token" || die "no admin token"
printf 'Authorization: Bearer %s\n' "$(json_field access_token < "$work/admin-token.json")" > "$work/bearer.header"
grants=""
for a in "${algs[@]}"; do
  admin_post /admin/v1/apis "{\"identifier\":\"$(api_identifier "$a")\",\"name\":\"Load $a\",\
\"scopes\":[\"bench:read\"],\"signing_alg\":\"$a\"}" "$work/api.json"
  grants+="${grants:+,}{\"api\":\"$(api_identifier "$a")\",\"scopes\":[\"bench:read\"]}"
done
admin_post /admin/v1/clients "{\"client_id\":\"load-client\",\"name\":\"Load client\",\"grants\":[$grants]}" \
  "$work/client.json"
# RFC 6749 §2.3.1: id and secret are form-encoded before Basic's base64.
authorization=$(json_field client_secret < "$work/client.json" | python3 -c '
import base64, sys, urllib.parse as u
secret = sys.stdin.read().strip()
print("Basic " + base64.b64encode((u.quote_plus("load-client") + ":" + u.quote_plus(secret)).encode()).decode())')
printf 'Authorization: %s\n' "$authorization" > "$work/client.header"

run_wrk() { # seconds, file for wrk's report; $body names the API
  TOKEN_AUTHORIZATION=$authorization TOKEN_BODY=$body TOKEN_DELAY_MS=$delay_ms \
    timeout --foreground --kill-after=5 $(($1 + 30)) \
    wrk --threads "$threads" --connections "$connections" --duration "${1}s" --timeout 10s \
      --latency --script "$here/token.lua" "$base/oauth2/token" > "$2" 2>&1 \
    || die "wrk failed: $(tail -n 5 "$2")"
}
rows=()
for a in "${algs[@]}"; do
  body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse as u; print(u.quote_plus(sys.argv[1]))' \
    "$(api_identifier "$a")")"
  code=$(http_code -H "@$work/client.header" -d "$body" "$base/oauth2/token")
  [ "$code" = 200 ] || die "a $a token request answered $code, not 200"
  echo "load.sh: $a warm-up, ${warmup_seconds}s" >&2
  run_wrk "$warmup_seconds" "$work/wrk-$a-warmup.txt"
  echo "load.sh: $a measured run, ${seconds}s" >&2
  log="$work/wrk-$a.txt"
  ticks_before=$(cpu_ticks)
  run_wrk "$seconds" "$log"
  ticks_after=$(cpu_ticks)
  cat "$log" >&2
  result=$(grep '^KEYCARD_RESULT ' "$log" | tail -n 1) || die "wrk printed no result line for $a"
  rows+=("$(awk -v alg="$a" -v ticks=$((ticks_after - ticks_before)) -v hz="$ticks_per_second" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      n = r["requests"]
      cpu = "-"
      if (n > 0) cpu = sprintf("%.3f", ticks * 1000 / hz / n)
      socket = r["connect"] + r["read"] + r["write"] + r["timeout"]
      printf "| %s | %.0f | %.2f ms | %.2f ms | %s | %d | %d |", alg, n / (r["duration_us"] / 1e6),
        r["p50_us"] / 1000, r["p99_us"] / 1000, cpu, r["non2xx"], socket
    }' <<< "$result")")
done
load_rss=$(rss_mib VmRSS)
peak_rss=$(rss_mib VmHWM)

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
jdk=$("$java" -version 2>&1 | head -n 1 || true)
wrk_version=$(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }' || true)
crypto=$(grep -o 'crypto: .*' "$work/server.log" | head -n 1 || true)

cat <<EOF
## Keycard token endpoint under wrk load

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}, $(uname -sr)
- JDK: $jdk ($JAVA_HOME)
- server: keycard-server/target/keycard.jar, JVM options \`$java_opts\`, SQLite store in a fresh directory; ${crypto:-crypto provider not logged}${env_settings:+; settings from the environment: $env_settings}
- load: $wrk_version, $threads threads, $connections connections, keep-alive, ${seconds}s per algorithm after a ${warmup_seconds}s warm-up, to 127.0.0.1${rate:+$( [ "$rate" -gt 0 ] && echo ", paced to about $rate tokens/s ($delay_ms ms between an answer and the next request on each connection)")}
- start to first token: $first_token_ms ms (java launched to the first 200 from /oauth2/token, polled every 10 ms; $start_cpu_ms ms of CPU by then)
- idle RSS: $idle_rss MiB (${idle_seconds}s after the first token)
- RSS after the load: $load_rss MiB (peak $peak_rss MiB)

| alg | tokens/s | p50 | p99 | server CPU ms/token | non-2xx | socket errors |
|---|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows[@]}"

# Shared by keycard-benchmarks/scale.sh, restart.sh, random-client.sh, assertions.sh and tls.sh
# (sourced, not run): a Keycard server on 127.0.0.1 with a fresh store (SQLite in a temporary
# directory, or a fresh PostgreSQL schema), an admin client whose secret never reaches a command
# line, and wrk runs that report one line.
# The caller sources script-lib.sh (die, $script) and sets $root, $here, $store
# (sqlite|postgresql) and $start_limit (seconds), then sources this file.

JAVA_HOME=$("$root/bin/find-jdk")
java="$JAVA_HOME/bin/java"
jcmd="$JAVA_HOME/bin/jcmd"
jar="$root/keycard-server/target/keycard.jar"
[ -f "$jar" ] || die "$jar is missing: build it once with ./keycard --help (in $root), then run this again"
"$root/bin/prepare-start-cache" "$JAVA_HOME" "$jar" || true
# BENCH_EXTRA_JAVA_OPTS adds to the server's options, e.g. a flight recording to profile a run:
#   BENCH_EXTRA_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/keycard.jfr,settings=profile
java_opts="$("$root/bin/jvm-opts" "$JAVA_HOME" "$jar" serve) ${BENCH_EXTRA_JAVA_OPTS:-}"
read -r -a java_opts_array <<< "$java_opts"
driver() { "$java" -cp "$jar" "$here/scale/ScaleDriver.java" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/keycard-bench.XXXXXX")
server_pid="" store_url=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  local status=$?
  stop_server
  if [ "$status" -ne 0 ] && [ -s "$work/server.log" ]; then
    echo "$script: the server's last log lines:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  if [ "$store" = postgresql ] && [ -n "$store_url" ]; then
    driver schema-drop "$store_url" || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$store" = postgresql ]; then
  store_url=$(driver schema-create "${KEYCARD_SCALE_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}") \
    || die "no PostgreSQL schema (set KEYCARD_SCALE_POSTGRES_URL)"
fi

json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# curl_extra: options every curl of the harness adds (--cacert for an https server); server_settings:
# --set options start_server adds.
curl_extra=() server_settings=()
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${curl_extra[@]}" "$@" || true; }
ticks_per_second=$(getconf CLK_TCK)
cpu_ticks() {
  local stat rest
  local -a fields
  stat=$(< "/proc/$server_pid/stat")
  rest=${stat##*) }
  read -r -a fields <<< "$rest"
  echo $((fields[11] + fields[12]))
}
postgres_ticks() { # user + system CPU time so far of every process named postgres (the store's backends)
  local pid stat rest total=0
  local -a fields
  for pid in $(pgrep -x postgres || true); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    rest=${stat##*) }
    read -r -a fields <<< "$rest"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
heap_mib() { # used heap after a full GC, in MiB: the "used NK" of each generation heap_info lists
  "$jcmd" "$server_pid" GC.run > /dev/null
  sleep 1
  "$jcmd" "$server_pid" GC.heap_info | awk '/^ *(DefNew|Tenured|def new|tenured|garbage-first heap|PSYoungGen|ParOldGen)/ {
      for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); sum += v } }
      END { printf "%.1f", sum / 1024 }'
}
idle_cpu_percent() { # the server's CPU over $idle_seconds of nothing, in % of one core
  local before after
  before=$(cpu_ticks)
  sleep "$idle_seconds"
  after=$(cpu_ticks)
  awk -v t=$((after - before)) -v hz="$ticks_per_second" -v s="$idle_seconds" 'BEGIN { printf "%.2f", t * 100 / hz / s }'
}

admin_secret=$(python3 -c 'import secrets; print("kcs_" + secrets.token_urlsafe(32))')
export KEYCARD_ADMIN_CLIENT_ID=keycard-admin KEYCARD_ADMIN_CLIENT_SECRET=$admin_secret
printf 'user = "keycard-admin:%s"\n' "$admin_secret" > "$work/admin.curlrc"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

start_server() { # sets server_pid, and started_ms: the milliseconds from launch to the first token
  local start_ns
  start_ns=$(date +%s%N)
  local -a store_settings=()
  if [ -n "$store_url" ]; then
    store_settings=(--set "store.url=$store_url")
  fi
  (cd "$work" && exec env -u KEYCARD_CONFIG "$java" "${java_opts_array[@]}" -jar "$jar" serve \
    --set http.host=127.0.0.1 --set "http.port=$port" --set "data.dir=$work/data" \
    --set admin.client-id=keycard-admin "${store_settings[@]}" "${server_settings[@]}") >> "$work/server.log" 2>&1 &
  server_pid=$!
  until [ "$(http_code -K "$work/admin.curlrc" -d grant_type=client_credentials "$base/oauth2/token")" = 200 ]; do
    kill -0 "$server_pid" 2>/dev/null || die "the server exited while starting"
    [ $((($(date +%s%N) - start_ns) / 1000000000)) -lt "$start_limit" ] || die "no token within ${start_limit}s"
    sleep 0.01
  done
  started_ms=$((($(date +%s%N) - start_ns) / 1000000))
}
admin_call() { # method, path, JSON body or "", file for the answer; prints the status
  local token
  token=$(curl -sS --max-time 10 "${curl_extra[@]}" -K "$work/admin.curlrc" -d grant_type=client_credentials "$base/oauth2/token" \
    | json_field access_token)
  curl -sS -o "$4" -w '%{http_code}' --max-time 30 "${curl_extra[@]}" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -X "$1" ${3:+--data-binary "$3"} "$base$2"
}
run_wrk() { # script, seconds, path, report file; environment for the script set by the caller
  timeout --foreground --kill-after=5 $(($2 + 30)) \
    wrk --threads 2 --connections 64 --duration "${2}s" --timeout 10s --latency --script "$1" "$base$3" \
      > "$4" 2>&1 || die "wrk failed: $(tail -n 5 "$4")"
  grep '^KEYCARD_RESULT ' "$4" | tail -n 1 | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      printf "%.0f %.2f %.2f %d\n", r["requests"] / (r["duration_us"] / 1e6), r["p50_us"] / 1000,
        r["p99_us"] / 1000, r["non2xx"] }'
}

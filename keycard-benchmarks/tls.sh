#!/usr/bin/env bash
# ES256 token issuance over plain http and over TLS (a P-256 certificate, TLS 1.3), on keep-alive
# connections, one server at a time on the same store, in alternating rounds:
#   keycard-benchmarks/tls.sh [--duration 15] [--rounds 2]
# Prints Markdown on stdout (progress on stderr). Needs wrk, curl, openssl, python3, a JDK >= 21
# (bin/find-jdk) and keycard-server/target/keycard.jar (./keycard --help builds it).
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

store=sqlite duration=15 rounds=2 warmup=10 start_limit=120

usage() { echo "usage: keycard-benchmarks/tls.sh [--duration SECONDS] [--rounds N]"; }
script=tls.sh
# shellcheck source=script-lib.sh
source "$here/script-lib.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$(value_of "$@"); shift 2 ;;
    --rounds) rounds=$(value_of "$@"); shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
require_whole_numbers "$duration" "$rounds"
require_tools curl python3 openssl

# shellcheck source=server-lib.sh
source "$here/server-lib.sh"

api=https://jobs.bench
body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse as u; print(u.quote_plus(sys.argv[1]))' "$api")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null \
  || die "openssl could not make a certificate"
plain_base=$base
tls_base=${base/http:/https:}

serve() { # plain|tls
  if [ "$1" = tls ]; then
    base=$tls_base curl_extra=(--cacert "$work/tls.crt")
    server_settings=(--set "tls.cert-file=$work/tls.crt" --set "tls.key-file=$work/tls.key")
  else
    base=$plain_base curl_extra=() server_settings=()
  fi
  start_server
}
tokens() { # label, plain|tls
  local r
  serve "$2"
  TOKEN_AUTHORIZATION=$authorization TOKEN_BODY=$body run_wrk "$here/token.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null
  r=$(TOKEN_AUTHORIZATION=$authorization TOKEN_BODY=$body run_wrk "$here/token.lua" "$duration" /oauth2/token "$work/wrk.txt")
  read -r rate p50 p99 non2xx <<< "$r"
  stop_server
  [ "$non2xx" = 0 ] || die "$non2xx token requests failed over $2"
  echo "| $1 | $([ "$2" = tls ] && echo "https (TLS 1.3, P-256 certificate)" || echo "http") | $rate | $p50 ms | $p99 ms |"
}

echo "tls.sh: preparing the store on $plain_base" >&2
serve plain
[ "$(admin_call POST /admin/v1/apis "{\"identifier\":\"$api\",\"name\":\"Bench\",\"scopes\":[\"bench:read\"],\
\"signing_alg\":\"ES256\",\"token_lifetime\":3600}" "$work/api.json")" = 201 ] || die "API: $(cat "$work/api.json")"
[ "$(admin_call POST /admin/v1/clients "{\"client_id\":\"bench\",\"name\":\"Bench\",\
\"grants\":[{\"api\":\"$api\",\"scopes\":[\"bench:read\"]}]}" "$work/client.json")" = 201 ] \
  || die "client: $(cat "$work/client.json")"
secret=$(json_field client_secret < "$work/client.json")
authorization=$(python3 -c 'import base64, sys; print("Basic " + base64.b64encode(("bench:" + sys.argv[1]).encode()).decode())' "$secret")
stop_server

rows=()
for round in $(seq 1 "$rounds"); do
  echo "tls.sh: round $round of $rounds" >&2
  rows+=("$(tokens "round $round" plain)")
  rows+=("$(tokens "round $round" tls)")
done

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOT
### ES256 tokens over http and over TLS

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}; JDK: $("$java" -version 2>&1 | head -n 1)
- JVM options: \`$java_opts\`; load: wrk, 2 threads, 64 keep-alive connections, ${duration}s after a ${warmup}s
  warm-up; the same store and client, one server at a time (plain, then TLS), in alternating rounds

| run | transport | tokens/s | p50 | p99 |
|---|---|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")
EOT

#!/usr/bin/env bash
# ES256 tokens for a client that authenticates with a secret, for one that authenticates with an
# ES256 private_key_jwt assertion (RFC 7523), for one that presents a Kubernetes-shaped platform
# token (workload identity federation), and for the secret client sending a DPoP proof (RFC 9449,
# a bound token), side by side on 127.0.0.1, in rounds, each against a fresh server on a fresh store:
#   keycard-benchmarks/assertions.sh [--store sqlite|postgresql] [--duration 15] [--warmup 30] [--rounds 2]
# Each kind is warmed up for 30 s before it is measured: with 10 s, on two cores shared with wrk,
# the JIT compiler was still compiling the assertion path at full tier in the measured window
# (docs/benchmarks.md), which held the private_key_jwt and DPoP rows back by about 15 %.
# Each assertion request carries its own assertion, each DPoP request its own proof (each is used
# once), made beforehand by scale/ScaleDriver.java; a round spends over half a million of them, and
# a SQLite node holds a million in memory (past that the store records them, another code path),
# hence a fresh store each round. Prints Markdown on stdout (progress on stderr).
# PostgreSQL: KEYCARD_SCALE_POSTGRES_URL, default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# a fresh schema is made (each round) and dropped.
# Needs wrk, curl, python3, a JDK >= 21 (bin/find-jdk) and keycard-server/target/keycard.jar
# (./keycard --help builds it).
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

store=sqlite duration=15 rounds=2 warmup=30 start_limit=120
# Requests per second one wrk thread may send (two threads): above what two cores answer (on a fast
# day this machine answered more than 12,000 private_key_jwt requests a second, 6,000 per thread).
per_second_ceiling=12000

usage() {
  echo "usage: keycard-benchmarks/assertions.sh [--store sqlite|postgresql] [--duration SECONDS] [--warmup SECONDS] [--rounds N]"
}
script=assertions.sh
# shellcheck source=script-lib.sh
source "$here/script-lib.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store=$(value_of "$@"); shift 2 ;;
    --duration) duration=$(value_of "$@"); shift 2 ;;
    --warmup) warmup=$(value_of "$@"); shift 2 ;;
    --rounds) rounds=$(value_of "$@"); shift 2 ;;
    --store=*) store=${1#*=}; shift ;;
    --duration=*) duration=${1#*=}; shift ;;
    --warmup=*) warmup=${1#*=}; shift ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
require_whole_numbers "$duration" "$warmup" "$rounds"
case "$store" in sqlite|postgresql) ;; *) bad_usage "--store is sqlite or postgresql, not '$store'" ;; esac
require_tools curl python3

# shellcheck source=server-lib.sh
source "$here/server-lib.sh"

api=https://jobs.bench
body="grant_type=client_credentials&resource=$(python3 -c 'import sys, urllib.parse as u; print(u.quote_plus(sys.argv[1]))' "$api")"

# run_wrk for the measured run, adding to its "rate p50 p99 non2xx" the CPU time per token of the
# server and (on PostgreSQL) of the database's processes, in µs: less disturbed by a noisy neighbour
# than the rate.
measured_wrk() {
  local server_before pg_before r rate
  server_before=$(cpu_ticks) pg_before=$(postgres_ticks)
  r=$(run_wrk "$@")
  read -r rate _ <<< "$r"
  echo "$r $(awk -v s=$(($(cpu_ticks) - server_before)) -v p=$(($(postgres_ticks) - pg_before)) -v hz="$ticks_per_second" \
    -v n="$(awk -v r="$rate" -v d="$duration" 'BEGIN { print r * d }')" 'BEGIN { printf "%.0f %.0f", s * 1e6 / hz / n, p * 1e6 / hz / n }')"
}
row() { # label, what, the line measured_wrk printed
  local rate p50 p99 non2xx server_us pg_us
  read -r rate p50 p99 non2xx server_us pg_us <<< "$3"
  if [ "$store" = postgresql ]; then
    echo "| $1 | $2 | $rate | $p50 ms | $p99 ms | $server_us µs | $pg_us µs |"
  else
    echo "| $1 | $2 | $rate | $p50 ms | $p99 ms | $server_us µs |"
  fi
}

secret_tokens() { # label
  local r
  TOKEN_AUTHORIZATION=$secret_authorization TOKEN_BODY=$body \
    run_wrk "$here/token.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null
  r=$(TOKEN_AUTHORIZATION=$secret_authorization TOKEN_BODY=$body \
    measured_wrk "$here/token.lua" "$duration" /oauth2/token "$work/wrk.txt")
  read -r _ _ _ non2xx _ <<< "$r"
  [ "$non2xx" = 0 ] || die "$non2xx secret token requests failed"
  row "$1" client_secret_basic "$r"
}
# Token requests each carrying something used once (an assertion, a DPoP proof), made by $3 ($3 COUNT
# FILE) right before each wrk run, a file per wrk thread, so none is near its end of life when sent.
# $1 row label, $2 what the row measures; the rest: VAR=value settings for scale/assertion.lua.
single_use_tokens() {
  local label=$1 what=$2 make=$3 r="" count phase thread
  shift 3
  for phase in warm run; do
    if [ "$phase" = warm ]; then count=$((per_second_ceiling * warmup)); else count=$((per_second_ceiling * duration)); fi
    for thread in 1 2; do
      "$make" "$count" "$work/$phase-lines.$thread" &
    done
    wait
    if [ "$phase" = warm ]; then
      (export "$@" ASSERTION_BODIES="$work/warm-lines"
       run_wrk "$here/scale/assertion.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null)
    else
      r=$(export "$@" ASSERTION_BODIES="$work/run-lines"
          measured_wrk "$here/scale/assertion.lua" "$duration" /oauth2/token "$work/wrk.txt")
    fi
  done
  read -r _ _ _ non2xx _ <<< "$r"
  [ "$non2xx" = 0 ] || die "$non2xx $what requests failed (more than $count per thread?)"
  row "$label" "$what" "$r"
}

make_assertions() { # count, file: request bodies, each with its own ES256 client assertion
  driver assertions "$work/key.json" keyed-bench "$issuer" "$body" "$1" "$2"
}

make_proofs() { # count, file: DPoP proofs for the token endpoint, each with its own jti
  driver dpop-proofs "$issuer/oauth2/token" "$1" "$2"
}

assertion_tokens() { # label
  single_use_tokens "$1" "private_key_jwt (ES256)" make_assertions
}

dpop_tokens() { # label: the secret client, each request with its own DPoP proof
  single_use_tokens "$1" "client_secret_basic + DPoP proof (ES256, bound token)" make_proofs ASSERTION_HEADER=DPoP \
    TOKEN_AUTHORIZATION="$secret_authorization" TOKEN_BODY="$body"
}

federated_tokens() { # label
  local r federated_body
  federated_body="$body&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=$(cat "$work/platform-token")"
  TOKEN_AUTHORIZATION= TOKEN_BODY=$federated_body \
    run_wrk "$here/token.lua" "$warmup" /oauth2/token "$work/warm.txt" > /dev/null
  r=$(TOKEN_AUTHORIZATION= TOKEN_BODY=$federated_body \
    measured_wrk "$here/token.lua" "$duration" /oauth2/token "$work/wrk.txt")
  read -r _ _ _ non2xx _ <<< "$r"
  [ "$non2xx" = 0 ] || die "$non2xx federated token requests failed"
  row "$1" "federated (Kubernetes-shaped ES256 token, reused)" "$r"
}

fresh_server() { # stops the server running, if any, and starts one on an empty store with the API and the clients
  stop_server
  if [ "$store" = postgresql ]; then
    driver schema-drop "$store_url" || true
    store_url=$(driver schema-create "${KEYCARD_SCALE_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}") \
      || die "no PostgreSQL schema"
  else
    rm -rf "$work/data"
  fi
  echo "assertions.sh: starting Keycard ($store) on $base" >&2
  start_server
  issuer=$base
  [ "$(admin_call POST /admin/v1/apis "{\"identifier\":\"$api\",\"name\":\"Bench\",\"scopes\":[\"bench:read\"],\
\"signing_alg\":\"ES256\",\"token_lifetime\":3600}" "$work/api.json")" = 201 ] || die "API: $(cat "$work/api.json")"
  [ "$(admin_call POST /admin/v1/clients "{\"client_id\":\"secret-bench\",\"name\":\"Secret\",\
\"grants\":[{\"api\":\"$api\",\"scopes\":[\"bench:read\"]}]}" "$work/secret.json")" = 201 ] \
    || die "client: $(cat "$work/secret.json")"
  secret=$(json_field client_secret < "$work/secret.json")
  secret_authorization=$(python3 -c 'import base64, sys; print("Basic " + base64.b64encode(("secret-bench:" + sys.argv[1]).encode()).decode())' "$secret")
  driver keyed-client "$base" keyed-bench "$api" "$work/key.json" || die "no private_key_jwt client"
  driver federated-client "$base" pod-bench "$api" "$work/platform-token" || die "no federated client"
}

rows=()
for round in $(seq 1 "$rounds"); do
  echo "assertions.sh: round $round of $rounds" >&2
  fresh_server
  # The kinds in one order in odd rounds and the other way round in even ones, so that none is
  # always the first measured after a start.
  if [ $((round % 2)) = 1 ]; then kinds="secret assertion federated dpop"; else kinds="dpop federated assertion secret"; fi
  for kind in $kinds; do
    rows+=("$("${kind}_tokens" "round $round")")
  done
done
# Each kind's tokens/s against the secret's in the same round, round by round, and the median.
ratios=$(printf '%s\n' "${rows[@]}" | awk -F' *[|] *' '
  { round = $2; kind = $3; rate[round, kind] = $4; if (!(round in seen)) { seen[round] = 1; rounds[++n] = round }
    if (kind != "client_secret_basic" && !(kind in k)) { k[kind] = 1; kinds[++m] = kind } }
  END {
    for (j = 1; j <= m; j++) {
      line = ""; c = 0
      for (i = 1; i <= n; i++) {
        v[++c] = 100 * rate[rounds[i], kinds[j]] / rate[rounds[i], "client_secret_basic"]
        line = line (i > 1 ? ", " : "") sprintf("%.0f %%", v[c])
      }
      for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (v[b] < v[a]) { t = v[a]; v[a] = v[b]; v[b] = t }
      median = (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
      printf "- %s: %s of the secret rate, round by round; median **%.0f %%**\n", kinds[j], line, median
    }
  }')

if [ "$store" = postgresql ]; then
  table_head='| run | client authentication | tokens/s | p50 | p99 | Keycard CPU per token | PostgreSQL CPU per token |
|---|---|---:|---:|---:|---:|---:|'
else
  table_head='| run | client authentication | tokens/s | p50 | p99 | Keycard CPU per token |
|---|---|---:|---:|---:|---:|'
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
### private_key_jwt, a federated token and DPoP against a secret, $store

- command: \`$command_line\`
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}; JDK: $("$java" -version 2>&1 | head -n 1)
- JVM options: \`$java_opts\`; load: wrk, 2 threads, 64 connections, ${duration}s after a ${warmup}s warm-up,
  the four kinds in turn against each round's fresh server, in the order shown; an ES256 API

$table_head
$(printf '%s\n' "${rows[@]}")

$ratios
EOF

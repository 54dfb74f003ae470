# Shared by the benchmark scripts (sourced, not run), before they read their arguments: how they
# fail and read option values. The caller sets $script (its name, for messages) and defines usage().

bad_usage() { echo "$script: $*" >&2; usage >&2; exit 2; }
die() { echo "$script: $*" >&2; exit 1; }
value_of() { # option, value: the value, or a usage error naming the option
  [ $# -ge 2 ] && [ -n "$2" ] || bad_usage "$1 needs a value"
  printf '%s' "$2"
}
require_whole_numbers() { # values that must be positive whole numbers
  local n
  for n in "$@"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || bad_usage "'$n' is not a positive whole number"
  done
}
require_tools() { # wrk and the other commands named
  local tool
  command -v wrk >/dev/null 2>&1 || die "wrk is not installed. On Debian/Ubuntu: apt-get install -y wrk"
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (on Debian/Ubuntu: apt-get install -y $tool)"
  done
}

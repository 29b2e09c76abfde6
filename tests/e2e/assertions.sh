# Shared by the end-to-end shell tests: run a command and check its exit status and output,
# counting passes and failures. Source it; it sets `failures` and `pass` to 0.
failures=0
pass=0

check() {  # check NAME EXPECTED_STATUS COMMAND... ; stdout+stderr in $out
  local name=$1 expected=$2
  shift 2
  set +e
  out=$("$@" 2>&1)
  local status=$?
  set -e
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    pass=$((pass + 1))
  fi
}

contains() {  # contains NAME NEEDLE ; searches $out
  if ! grep -q -- "$2" <<<"$out"; then
    echo "FAIL $1: output lacks '$2'"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    pass=$((pass + 1))
  fi
}

on_postgres() {  # on_postgres FLOW ; runs `FLOW DB_URL` on a new database when NARRALYTICA_TEST_PG_URL is set
  [ -n "${NARRALYTICA_TEST_PG_URL:-}" ] || return 0
  local name="nl_e2e_$$_$RANDOM"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
  "$1" "${NARRALYTICA_TEST_PG_URL%/*}/$name"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
}

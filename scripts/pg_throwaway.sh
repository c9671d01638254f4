# A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks. Source it, then:
#   pg_up && trap pg_down EXIT
# It exports VELFERDSLAB_TEST_PG_URL. The port stays below the ephemeral range (32768+), where a
# client socket in TIME_WAIT could hold it (see shared/notes/stack.md).
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGPORT=${PGPORT:-15432}

pg_up() {
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (install the postgresql package)" >&2
    return 1
  fi
  while (echo > "/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
  PGTMP=$(mktemp -d /tmp/velferdslab-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; PGRUN="runuser -u postgres --"; else PGRUN=""; fi
  $PGRUN "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$PGTMP/initdb.log" 2>&1 || { cat "$PGTMP/initdb.log" >&2; return 1; }
  if ! $PGRUN "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/pg.log" -w -t 30 \
      -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    tail -5 "$PGTMP/pg.log" >&2; rm -rf "$PGTMP"; return 1
  fi
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres velferdslab_test
  export PGTMP PGPORT PGRUN
  export VELFERDSLAB_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/velferdslab_test"
  echo "PostgreSQL up on 127.0.0.1:$PGPORT ($PGTMP)"
}

pg_down() {
  [ -n "${PGTMP:-}" ] && [ -d "$PGTMP" ] || return 0
  ${PGRUN:-} "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PGTMP"
  echo "PostgreSQL stopped"
}

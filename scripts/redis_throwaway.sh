# A throwaway Redis (the job queue's broker) on 127.0.0.1 for tests and benchmarks, kept in
# memory only. Source it, then:  redis_up && trap redis_down EXIT
# It exports VELFERDSLAB_TEST_REDIS_URL.
REDIS_PORT=${REDIS_PORT:-16379}

redis_up() {
  if ! command -v redis-server >/dev/null; then
    echo "redis-server not found (install the redis-server package)" >&2
    return 1
  fi
  while (echo > "/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; do REDIS_PORT=$((REDIS_PORT + 1)); done
  REDIS_TMP=$(mktemp -d /tmp/velferdslab-redis.XXXXXX)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$REDIS_TMP" --daemonize yes --pidfile "$REDIS_TMP/redis.pid" \
    --logfile "$REDIS_TMP/redis.log" || { rm -rf "$REDIS_TMP"; return 1; }
  for _ in $(seq 50); do
    (echo > "/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break
    sleep 0.1
  done
  export REDIS_TMP REDIS_PORT
  export VELFERDSLAB_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "Redis up on 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  [ -n "${REDIS_TMP:-}" ] && [ -d "$REDIS_TMP" ] || return 0
  if [ -f "$REDIS_TMP/redis.pid" ]; then kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null; fi
  sleep 0.2
  rm -rf "$REDIS_TMP"
  echo "Redis stopped"
}

# A throwaway RabbitMQ (the AMQP broker behind the archive tests' fake Fiks IO) on 127.0.0.1:
# its own ports, its own data directory, its own Erlang port mapper, no system service. Source
# it, then:  rabbitmq_up && trap rabbitmq_down EXIT
# It exports VELFERDSLAB_TEST_RABBITMQ_URL (AMQP, user guest) and VELFERDSLAB_TEST_RABBITMQ_ADMIN
# (the management HTTP API, where the fake makes its own vhost and user).
RABBITMQ_PORT=${RABBITMQ_PORT:-17672}
RABBITMQ_BIN=${RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}

_rabbitmq_free_port() {
  local port=$1
  while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

rabbitmq_up() {
  if [ ! -x "$RABBITMQ_BIN/rabbitmq-server" ]; then
    echo "rabbitmq-server not found (install the rabbitmq-server package)" >&2
    return 1
  fi
  RABBITMQ_PORT=$(_rabbitmq_free_port "$RABBITMQ_PORT")
  RABBITMQ_ADMIN_PORT=$(_rabbitmq_free_port $((RABBITMQ_PORT + 1)))
  RABBITMQ_EPMD_PORT=$(_rabbitmq_free_port $((RABBITMQ_PORT + 2)))
  RABBITMQ_TMP=$(mktemp -d /tmp/velferdslab-rabbitmq.XXXXXX)
  export RABBITMQ_TMP RABBITMQ_PORT RABBITMQ_ADMIN_PORT RABBITMQ_EPMD_PORT
  echo "[rabbitmq_management]." > "$RABBITMQ_TMP/enabled_plugins"
  : > "$RABBITMQ_TMP/rabbitmq-env.conf"
  {
    echo "listeners.tcp.default = 127.0.0.1:$RABBITMQ_PORT"
    echo "management.tcp.ip = 127.0.0.1"
    echo "management.tcp.port = $RABBITMQ_ADMIN_PORT"
  } > "$RABBITMQ_TMP/rabbitmq.conf"
  # Everything the node reads or writes lives in RABBITMQ_TMP (its Erlang cookie too: HOME);
  # its Erlang port mapper listens on a port of its own, so a broker or epmd of the system is
  # neither used nor disturbed. Only the server sees these variables, not the caller's shell.
  env HOME="$RABBITMQ_TMP" ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" \
    RABBITMQ_NODENAME="velferdslab-$RABBITMQ_PORT@localhost" \
    RABBITMQ_DIST_PORT="$(_rabbitmq_free_port $((RABBITMQ_PORT + 3)))" \
    RABBITMQ_MNESIA_BASE="$RABBITMQ_TMP/mnesia" RABBITMQ_LOG_BASE="$RABBITMQ_TMP/log" \
    RABBITMQ_PID_FILE="$RABBITMQ_TMP/rabbitmq.pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_TMP/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$RABBITMQ_TMP/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RABBITMQ_TMP/advanced.config" \
    RABBITMQ_CONF_ENV_FILE="$RABBITMQ_TMP/rabbitmq-env.conf" \
    "$RABBITMQ_BIN/rabbitmq-server" > "$RABBITMQ_TMP/server.log" 2>&1 &
  echo $! > "$RABBITMQ_TMP/server.pid"
  for _ in $(seq 600); do
    if (echo > "/dev/tcp/127.0.0.1/$RABBITMQ_PORT") 2>/dev/null \
        && (echo > "/dev/tcp/127.0.0.1/$RABBITMQ_ADMIN_PORT") 2>/dev/null; then
      export VELFERDSLAB_TEST_RABBITMQ_URL="amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT/%2F"
      export VELFERDSLAB_TEST_RABBITMQ_ADMIN="http://guest:guest@127.0.0.1:$RABBITMQ_ADMIN_PORT"
      echo "RabbitMQ up on 127.0.0.1:$RABBITMQ_PORT (management $RABBITMQ_ADMIN_PORT)"
      return 0
    fi
    kill -0 "$(cat "$RABBITMQ_TMP/server.pid")" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$RABBITMQ_TMP/server.log" >&2
  rabbitmq_down
  return 1
}

rabbitmq_down() {
  [ -n "${RABBITMQ_TMP:-}" ] && [ -d "$RABBITMQ_TMP" ] || return 0
  local file pid epmd
  for file in "$RABBITMQ_TMP/rabbitmq.pid" "$RABBITMQ_TMP/server.pid"; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  # The node's own port mapper (started by the node, on its own port) goes with it.
  epmd=$(command -v epmd || ls /usr/lib/erlang/bin/epmd 2>/dev/null)
  [ -n "$epmd" ] && "$epmd" -port "$RABBITMQ_EPMD_PORT" -kill >/dev/null 2>&1
  rm -rf "$RABBITMQ_TMP"
  unset RABBITMQ_TMP
  echo "RabbitMQ stopped"
}

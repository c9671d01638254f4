#!/usr/bin/env bash
# `make test`: lint, type-check, then the whole suite on SQLite and the database tests on a
# throwaway PostgreSQL, Redis (the job queue's broker) and RabbitMQ (the AMQP broker of the
# archive tests' fake Fiks IO) that this script starts and always stops.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export VELFERDSLAB_ARTIFACTS=${VELFERDSLAB_ARTIFACTS:-test-artifacts}
mkdir -p "$VELFERDSLAB_ARTIFACTS"

status=0
step() { echo; echo "== $*"; }

step "ruff"
"$VENV/bin/ruff" check . || status=1
"$VENV/bin/ruff" format --check . || status=1

step "mypy"
"$VENV/bin/mypy" || status=1

# shellcheck source=scripts/pg_throwaway.sh
source scripts/pg_throwaway.sh
# shellcheck source=scripts/redis_throwaway.sh
source scripts/redis_throwaway.sh
# shellcheck source=scripts/rabbitmq_throwaway.sh
source scripts/rabbitmq_throwaway.sh
step "PostgreSQL, Redis and RabbitMQ"
trap 'rabbitmq_down; redis_down; pg_down' EXIT
pg_up || { echo "could not start PostgreSQL" >&2; exit 1; }
redis_up || { echo "could not start Redis (the job queue's broker)" >&2; exit 1; }
rabbitmq_up || { echo "could not start RabbitMQ (the fake Fiks IO's broker)" >&2; exit 1; }

# SQLite: each xdist worker has its own database file, so the suite runs on both cores. The
# PostgreSQL pass shares one database and stays in one process.
step "tests on SQLite"
"$VENV/bin/python" -m pytest -p no:cacheprovider -n 2 --durations=30 "$@" || status=1

step "database tests on PostgreSQL"
VELFERDSLAB_TEST_DATABASE_URL="$VELFERDSLAB_TEST_PG_URL" \
  "$VENV/bin/python" -m pytest -p no:cacheprovider -m db --durations=30 "$@" || status=1

echo
if [ $status -eq 0 ]; then echo "make test: all green"; else echo "make test: FAILED"; fi
exit $status

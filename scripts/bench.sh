#!/usr/bin/env bash
# `make bench`: every benchmark of docs/performance.md on a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
command -v wrk >/dev/null || { echo "installing wrk"; ${SUDO:-} apt-get install -y -qq wrk >/dev/null; }
"$VENV/bin/python" -m pip install --quiet -e '.[bench]'
# shellcheck source=scripts/pg_throwaway.sh
source scripts/pg_throwaway.sh
# shellcheck source=scripts/redis_throwaway.sh
source scripts/redis_throwaway.sh
trap 'redis_down; pg_down' EXIT
pg_up
redis_up
"$VENV/bin/python" benchmarks/bench_generate.py --url "$VELFERDSLAB_TEST_PG_URL"
"$VENV/bin/python" benchmarks/bench_engine.py --url "$VELFERDSLAB_TEST_PG_URL"
"$VENV/bin/python" benchmarks/bench_api_load.py --url "$VELFERDSLAB_TEST_PG_URL"
"$VENV/bin/python" benchmarks/bench_reports.py --url "$VELFERDSLAB_TEST_PG_URL"
"$VENV/bin/python" benchmarks/bench_instances.py --url "$VELFERDSLAB_TEST_PG_URL" \
  --redis "$VELFERDSLAB_TEST_REDIS_URL"

"$VENV/bin/python" benchmarks/bench_first_view.py --url "$VELFERDSLAB_TEST_PG_URL"
"$VENV/bin/python" benchmarks/bench_first_view.py --url sqlite

#!/usr/bin/env bash
# One command: install what the tests need and run the whole suite, on SQLite and on
# the PostgreSQL (127.0.0.1:5432, database `test`) and Redis (127.0.0.1:6379) of this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

# Start the local services if this machine has them installed but stopped.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && [[ $(id -u) -eq 0 ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
fi

echo "==> 运行测试 / running tests"
exec .venv/bin/python -m pytest -n "${FANZHA_TEST_WORKERS:-2}" -p no:cacheprovider "$@"

#!/usr/bin/env bash
# One command: install everything, create the SQLite database, seed a simulated county
# and serve the web app + API on http://127.0.0.1:8000 (prints the demo logins).
set -euo pipefail
cd "$(dirname "$0")/.."
FANZHA_WITH_BROWSER="${FANZHA_WITH_BROWSER:-0}" bash scripts/install.sh
exec .venv/bin/fanzha demo "$@"

#!/usr/bin/env bash
# Installs everything fanzha needs on a fresh Debian machine with Python 3.11:
# Debian packages (CJK fonts for reports, Chromium for browser tests, poppler), a local
# virtualenv (.venv) and the pinned Python dependencies from uv.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(fonts-noto-cjk fonts-wqy-zenhei poppler-utils)
if [[ "${FANZHA_WITH_BROWSER:-1}" == "1" ]]; then
  APT_PACKAGES+=(chromium)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> 安装系统软件包 / installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "需要 Python 3.11 / Python 3.11 is required (found: $($PYTHON --version))" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  echo "==> 创建虚拟环境 / creating .venv"
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/uv --version 2>/dev/null | grep -q "0.13.9"; then
  .venv/bin/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
fi
echo "==> 安装依赖（uv.lock）/ installing locked dependencies"
UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --quiet --python .venv/bin/python

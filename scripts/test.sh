#!/usr/bin/env bash
# The whole test suite: Python engine and widget tests, the front end's unit tests
# (node --test, run from pytest), and the real-browser tests (JupyterLab in headless
# Chromium; they need /usr/bin/chromium, which .ci/run installs).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$ROOT"
if command -v npm >/dev/null 2>&1 && [ -f package-lock.json ] && { [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/tsc ]; }; then
  echo "[ig_widget] installing the front end's build tool (npm ci)"
  npm ci --silent --no-audit --no-fund
fi
set +e
"$PY" -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "[ig_widget] pytest collected no tests"   # exit 5 means nothing ran: a failure here
  exit 1
fi
exit "$rc"

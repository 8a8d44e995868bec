# Sourced by the other scripts: makes .venv at the repo root with the package and its
# test tools installed, once; later runs reuse it unless pyproject.toml changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.ig_widget-installed"
want="$(cat "$ROOT/pyproject.toml" "$ROOT/scripts/constraints-dev.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$PY" ]; then
  echo "[ig_widget] creating $VENV"
  python3 -m venv "$VENV"
fi
# The repository's package.json says "type": "module" (the front end is ES modules), and
# Node applies the nearest package.json to every .js file below it, the venv included:
# JupyterLab's bundled yarn.js (CommonJS) then fails at start-up with 'Dynamic require of
# "util" is not supported' and prints itself. This file gives the venv its own scope.
[ -f "$VENV/package.json" ] || echo '{"type": "commonjs"}' > "$VENV/package.json"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "[ig_widget] installing ig_widget and its test tools into $VENV (first run only)"
  "$PY" -m pip install -q --upgrade pip >/dev/null
  # constraints pin torch to the CPU build this project's machines carry on disk;
  # the package itself only asks for torch>=2.1
  "$PY" -m pip install -q -c "$ROOT/scripts/constraints-dev.txt" -e "$ROOT[test]"
  echo "$want" > "$STAMP"
fi

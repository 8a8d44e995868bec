#!/usr/bin/env bash
# Opens the quick-start notebook in JupyterLab. With --execute (or when no terminal is
# attached) it runs the notebook top to bottom instead and says where the output is.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$ROOT"
NB="example_notebooks/quickstart.ipynb"
if [ "${1:-}" = "--execute" ] || [ ! -t 1 ]; then
  mkdir -p example_notebooks/_output
  "$PY" -m jupyter nbconvert --to notebook --execute "$NB" \
      --output-dir example_notebooks/_output --ExecutePreprocessor.timeout=600
  echo "[ig_widget] executed notebook: $ROOT/example_notebooks/_output/quickstart.ipynb"
  # static HTML with the widgets' saved state, its scripts beside it (works offline)
  if html=$("$PY" scripts/offline_html.py example_notebooks/_output/quickstart.ipynb); then
    echo "[ig_widget] HTML (static widgets, open in a browser): $ROOT/$html"
  else
    echo "[ig_widget] HTML export skipped (it needs npm once to fetch require.js)"
  fi
  exit 0
fi
echo "[ig_widget] starting JupyterLab on $ROOT/$NB"
echo "[ig_widget] open the URL below in a browser (Ctrl-C to stop)"
# only warnings and the URL: the server's start-up chatter hides what the user needs
args=(--ServerApp.ip=127.0.0.1 --ServerApp.log_level=WARN --LabApp.log_level=WARN)
[ "$(id -u)" = 0 ] && args+=(--allow-root)  # JupyterLab refuses root without it
exec "$PY" -m jupyterlab "$NB" "${args[@]}" ${JUPYTER_EXTRA_ARGS:-}

"""A standalone HTML page of the widget's view that opens offline, with no kernel.

The page carries the widget's own front end (the shipped bundle, inlined) and the
widget's synced state (base64 JSON, its binary arrays base64 too), and renders the view
with a small stand-in for the widget model: display controls (sign, colour map, opacity,
clip, top k, hover) keep working, controls that need a kernel are disabled by the front
end because the stand-in has no kernel connection. Nothing is fetched: no CDN, no
network. The static PNG is inside too, for a reader with scripts off.

State strings never reach the page as markup: the state travels base64 encoded inside a
JSON script element and the front end sets every string with ``textContent``.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_STATIC = Path(__file__).resolve().parent.parent / "static"

_EXPORT_DEFAULT = re.compile(r"export\s*\{\s*([A-Za-z_$][\w$]*)\s+as\s+default\s*\};?\s*$")


#: nothing may be fetched: scripts and styles are the page's own, images data or blobs
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:"
)


def _jsonable(value: Any) -> Any:
    """``value`` with every ``bytes`` turned into ``{"__b64__": str}`` (the front-end
    stand-in turns those back into binary views, as ipywidgets' buffers arrive)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__b64__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def _css() -> str:
    path = _STATIC / "widget.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _module_source() -> str:
    """The bundle as the body of an inline module script, its default export bound to
    ``IGW_WIDGET``."""
    src = (_STATIC / "widget.js").read_text(encoding="utf-8").rstrip()
    m = _EXPORT_DEFAULT.search(src)
    if m is None:
        raise RuntimeError("the front-end bundle does not end with a default export")
    if "</script" in src.lower():
        raise RuntimeError("the front-end bundle contains '</script' and cannot be inlined")
    return src[: m.start()] + f"\nconst IGW_WIDGET = {m.group(1)};\n"


_BOOT = r"""
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const revive = (v) => {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "__b64__" && typeof v.__b64__ === "string") {
      const bytes = b64(v.__b64__);
      return new DataView(bytes.buffer, 0, bytes.byteLength);
    }
    const out = {};
    for (const k of keys) out[k] = revive(v[k]);
    return out;
  }
  return v;
};
const el = document.getElementById("igw-view");
try {
  const raw = document.getElementById("igw-state").textContent.trim();
  const text = new TextDecoder().decode(b64(raw));
  const state = revive(JSON.parse(text));
  const handlers = new Map();
  const model = {
    get: (k) => state[k],
    set(k, v) {
      state[k] = v;
      for (const f of [...(handlers.get(`change:${k}`) || [])]) f();
    },
    save_changes() {},
    send() {},
    on(ev, f) { if (!handlers.has(ev)) handlers.set(ev, new Set()); handlers.get(ev).add(f); },
    off(ev, f) { handlers.get(ev)?.delete(f); },
  };
  IGW_WIDGET.render({ model, el });
  document.body.dataset.igwRendered = "true";
} catch (e) {
  el.textContent = `ig_widget: could not show this view: ${e instanceof Error ? e.message : e}`;
  document.body.dataset.igwRendered = "error";
}
"""


def standalone_html(state: Mapping[str, Any], png: bytes | None = None, title: str = "") -> str:
    """The page for a widget's synced ``state`` (trait name -> value, binary arrays as
    ``bytes``); ``png`` is shown when scripts are off."""
    state_b64 = base64.b64encode(
        json.dumps(_jsonable(dict(state)), allow_nan=False).encode("utf-8")
    ).decode("ascii")
    fallback = ""
    if png:
        data = base64.b64encode(png).decode("ascii")
        img = f'<img alt="attributions" src="data:image/png;base64,{data}">'
        fallback = f"<noscript>{img}</noscript>"
    name = html.escape(title or "ig_widget view")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{name}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 16px; }}
{_css()}
</style>
</head>
<body>
<div id="igw-view"></div>
{fallback}
<script type="application/json" id="igw-state">{state_b64}</script>
<script type="module">
{_module_source()}
{_BOOT}
</script>
</body>
</html>
"""

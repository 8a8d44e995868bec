"""Untrusted text stays text: tokens, feature names, class names, baseline names and error
messages with markup reach the front end unchanged (it inserts them as text: the
real-browser tests in tests/browser check the page), the static exports escape them, the
text fallback is plain text, and no front-end source inserts data as HTML or code."""

from __future__ import annotations

import io
import json
import pathlib
import re
from html.parser import HTMLParser

import pytest
import torch
from ipywidgets.embed import embed_minimal_html
from ipywidgets.widgets.widget import _remove_buffers

from ig_widget import IGWidget, widget

from . import models
from .cases import TIMEOUT, from_front_end

NASTY = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<svg onload=alert(3)>",
    "&lt;b&gt;not bold&lt;/b&gt;",
    '" onmouseover="alert(4)',
    "{{constructor.constructor('alert(5)')()}}",
    "${alert(6)}",
    "<!-- -->",
    "javascript:alert(7)",
    "line\u2028separator",
]
JS = pathlib.Path(__file__).resolve().parents[2] / "js"


def _roundtrip(w) -> dict:
    """The state as the front end receives it: JSON (buffers aside), parsed back."""
    state, _, _ = _remove_buffers(w.get_state())
    return json.loads(json.dumps(state, allow_nan=False))


def test_tokens_arrive_unchanged(widgets):
    w = widgets(models.Text(), models.ids(len(NASTY)), tokens=NASTY, n_steps=6)
    w.wait(TIMEOUT)
    assert w._payload["tokens"] == NASTY
    names = [f["name"] for f in w._payload["path_trace"]["features"]]
    assert names and set(names) <= set(NASTY)
    sent = _roundtrip(w)["_payload"]
    assert sent["tokens"] == NASTY
    assert [f["name"] for f in sent["path_trace"]["features"]] == names


def test_feature_class_and_baseline_names_arrive_unchanged(widgets):
    model = models.Switchable(n_features=len(NASTY))
    x = torch.linspace(-1, 1, len(NASTY), dtype=torch.float64)
    classes = NASTY[:3]
    mine = {NASTY[1]: torch.full((len(NASTY),), 0.5, dtype=torch.float64)}
    w = widgets(model, x, feature_names=NASTY, class_names=classes, baselines=mine, n_steps=6)
    w.wait(TIMEOUT)
    assert w._payload["names"] == NASTY
    assert {f["name"] for f in w._payload["path_trace"]["features"]} <= set(NASTY)
    assert [c["label"] for c in w.top_classes] == [classes[c["index"]] for c in w.top_classes]
    assert w._payload["readout"]["target_label"] == classes[w.target]
    assert w.baseline_options[0] == NASTY[1] and w._payload["readout"]["baseline"] == NASTY[1]
    sent = _roundtrip(w)
    assert sent["_payload"]["names"] == NASTY
    assert sent["baseline_options"][0] == NASTY[1]
    assert {c["label"] for c in sent["top_classes"]} <= set(classes)


def test_error_messages_keep_markup_as_text(widgets):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    model.mode = "raise"
    import types

    def boom(self, x):
        raise RuntimeError(NASTY[1] + " " + NASTY[0])

    model.forward = types.MethodType(boom, model)
    w.n_steps = 7
    with pytest.raises(RuntimeError):
        w.wait(TIMEOUT)
    assert NASTY[1] + " " + NASTY[0] in w.error
    assert NASTY[1] in _roundtrip(w)["error"]
    del model.forward
    from_front_end(w, baseline=NASTY[0])  # a value the controls never offered
    assert f"baseline={NASTY[0]!r} is not offered" in w.error


def test_html_export_escapes_the_state():
    model = models.Text()
    exports = {}
    for name, tokens in (("plain", [f"t{i}" for i in range(len(NASTY))]), ("nasty", NASTY)):
        w = IGWidget(model, models.ids(len(NASTY)), tokens=tokens, n_steps=6)
        w.wait(TIMEOUT)
        buf = io.StringIO()
        embed_minimal_html(buf, views=[w], title="export")
        exports[name] = buf.getvalue()
        w.close()
    html = exports["nasty"]
    assert "</script><script>alert(2)" not in html
    # a browser's parse of both pages has the same elements: the markup stayed in the data
    assert _elements(html) == _elements(exports["plain"])
    states = [json.loads(d) for d in _script_data(html) if '"state"' in d]
    tokens = [
        m["state"]["_payload"]["tokens"]
        for st in states
        for m in st.get("state", {}).values()
        if "_payload" in m.get("state", {})
    ]
    assert tokens == [NASTY]  # and it is intact in there


class _Page(HTMLParser):
    """Start tags in document order and the text of every script element, the way an
    HTML parser (and so a browser) splits the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _elements(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    return page.tags


def _script_data(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    return page.scripts


def test_text_fallback_is_plain_text(widgets):
    w = widgets(models.Switchable(), models.row(), class_names=NASTY[:3], n_steps=6)
    w.wait(TIMEOUT)
    bundle = w._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(data) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    assert data["text/plain"].startswith("IGWidget(tabular, finished: target ")
    assert not any(k.startswith(("text/html", "image/svg", "application/javascript")) for k in data)
    assert "innerHTML" not in widget._MISSING_ESM and "textContent" in widget._MISSING_ESM


# ------------------------------------------------------- the front end's source code
#: (what, pattern); a match is allowed only with a constant string (no data)
SINKS = [
    ("innerHTML/outerHTML", re.compile(r"\.\s*(?:inner|outer)HTML\s*(?:\+?=)\s*(?P<rhs>[^;\n]*)")),
    ("insertAdjacentHTML", re.compile(r"insertAdjacentHTML\s*\(\s*[^,]+,\s*(?P<rhs>[^)]*)\)")),
    ("document.write", re.compile(r"document\s*\.\s*write(?:ln)?\s*\((?P<rhs>[^)]*)\)")),
    ("eval", re.compile(r"(?<![\w.])eval\s*\((?P<rhs>[^)]*)\)")),
    ("new Function", re.compile(r"new\s+Function\s*\((?P<rhs>[^)]*)\)")),
    ("string timer", re.compile(r"set(?:Timeout|Interval)\s*\(\s*(?P<rhs>[\"'`][^)]*)\)")),
    ("srcdoc", re.compile(r"srcdoc\s*=\s*(?P<rhs>[^;\n]*)")),
    (
        "HTML parsing",
        re.compile(r"(?:createContextualFragment|parseFromString)\s*\((?P<rhs>[^)]*)\)"),
    ),
    ("on* attribute", re.compile(r"setAttribute\s*\(\s*[\"'`]on\w+[\"'`]\s*,(?P<rhs>[^)]*)\)")),
    ("on* attrs key", re.compile(r"attrs\s*:\s*\{[^}]*?[\"']?\bon[a-z]+[\"']?\s*:(?P<rhs>[^,}]*)")),
]
CONSTANT = re.compile(r"""^\s*(?:"[^"$\\]*"|'[^'\\]*'|`[^`$\\]*`)\s*$""")


def _strip_comments(code: str) -> str:
    """JS without // and /* */ comments (strings are kept; a // inside a string such as
    a URL is not a comment)."""
    out, i, n = [], 0, len(code)
    quote = None
    while i < n:
        c = code[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(code[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
        elif c in "\"'`":
            quote = c
            out.append(c)
            i += 1
        elif code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def html_sinks_with_data(code: str) -> list[str]:
    """Every place ``code`` hands something other than a constant string to an HTML or
    code sink."""
    code = _strip_comments(code)
    found = []
    for what, pattern in SINKS:
        for m in pattern.finditer(code):
            if not CONSTANT.match(m.group("rhs") or ""):
                line = code.count("\n", 0, m.start()) + 1
                found.append(f"{what} at line {line}: {m.group(0).strip()[:80]}")
    return found


def test_the_checker_finds_what_it_looks_for():
    bad = """
      el.innerHTML = token;            // data as HTML
      el.innerHTML += `<b>${name}</b>`;
      el.insertAdjacentHTML("beforeend", label);
      document.write(payload.title);
      eval(code); new Function(body);
      setTimeout("go()", 5);
      frame.srcdoc = html;
      range.createContextualFragment(s);
      el.setAttribute("onclick", handler);
      h("img", {attrs: {onerror: msg}});
    """
    assert len(html_sinks_with_data(bad)) == 11
    fine = """
      el.innerHTML = "";                // constant: clears the element
      // el.innerHTML = token;   a comment is not code
      /* document.write(x) */
      el.textContent = token;
      const url = "http://example.org/a//b"; el.title = label;
      model.evaluate(x); retrieval(y);
    """
    assert html_sinks_with_data(fine) == []


def test_front_end_never_inserts_data_as_html_or_code():
    files = [p for p in JS.rglob("*.js") if "node_modules" not in p.parts]
    assert len(files) >= 10, f"front-end sources not found under {JS}"
    found = {
        str(p.relative_to(JS)): html_sinks_with_data(p.read_text(encoding="utf-8")) for p in files
    }
    assert not {k: v for k, v in found.items() if v}, found

"""Plain-text tables for the terminal; the JSON file keeps every raw number."""

from __future__ import annotations

import math


def _ms(s) -> str:
    return "-" if s is None or math.isnan(s) else f"{s * 1e3:.3g}"


def _x(r) -> str:
    return "-" if r is None else f"{r:.2f}x"


def _e(e) -> str:
    return "-" if e is None else f"{e:.1e}"


def _mib(m) -> str:
    return "-" if m is None else f"{m:.0f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells):
        return "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def header_line(h: dict) -> str:
    dev = h["device"] + (f" ({h['device_name']})" if h.get("device_name") else "")
    return (
        f"torch {h['torch']} | captum {h['captum']} | device {dev} | "
        f"CPUs {h['cpu_count']} (torch threads {h['torch_threads']}) | mode {h['mode']}"
        f" | ig_widget {h.get('ig_widget_version', '')} {h['ig_widget']}"
    )


def speed_table(rows: list[dict], head: dict) -> str:
    headers = [
        "model",
        "n",
        "ours ms",
        "captum ms",
        "proxy ms",
        "ours/captum",
        "ours/proxy",
        "captum/proxy",
        "MiB ours",
        "MiB captum",
        "MiB proxy",
        "err ours",
        "err captum",
        "|a-a_captum|",
        "note",
    ]
    body = []
    for r in rows:
        m, p, e = r["median_s"], r["peak_mib"], r["completeness_error"]
        body.append(
            [
                r["model"],
                str(r["n_steps"]),
                _ms(m.get("ours")),
                _ms(m["captum"]),
                _ms(m["proxy"]),
                _x(r.get("ours_over_captum")),
                _x(r.get("ours_over_proxy")),
                _x(r["captum_over_proxy"]),
                _mib(p.get("ours")),
                _mib(p["captum"]),
                _mib(p["proxy"]),
                _e(e.get("ours")),
                _e(e["captum"]),
                _e(r.get("max_abs_diff_vs_captum")),
                r["note"],
            ]
        )
    reps = [r["repeats"] for r in rows]
    return (
        f"\nSpeed: gausslegendre, 1 example (more in CNN batch), median of "
        f"{min(reps)}-{max(reps)} "
        f"alternating rounds per model; memory = {head['memory_measure']}\n"
        "err = |sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')|; "
        "|a-a_captum| = max abs difference / max |captum attr|\n" + _table(headers, body)
    )


def _n(r: dict) -> str:
    return str(r["n_evals"]) if r.get("met") else f">{r['max_n']}"


def accuracy_table(rows: list[dict], tol: float) -> str:
    headers = [
        "model",
        "kind",
        "oracle n",
        "oracle err",
        "scan evals",
        "ours grad",
        "ours err",
        "oracle/ours",
        "ours fwd-only",
        "fwd-only ms",
        "ours ms",
        "oracle ms",
        "dev ours",
        "dev oracle",
        "note",
    ]
    body, scans = [], []
    for r in rows:
        if "skipped" in r:
            body.append([r["model"], r.get("kind", "")] + ["-"] * 12 + [r["skipped"]])
            continue
        c, o = r["oracle"], r["ours"]
        if o.get("status") != "ok":
            body.append(
                [r["model"], r["kind"], _n(c), _e(c["error"]), str(c["scan_evals"])]
                + ["-"] * 9
                + [o["status"]]
            )
            continue
        note = "" if o["met"] else "tol NOT met"
        if not math.isclose(o["reported_error"], o["error"], rel_tol=0.05, abs_tol=1e-4):
            note += f" (engine's delta says {o['reported_error']:.1e})"
        ratio = (
            f"{c['n_evals'] / o['n_evals']:.1f}x"
            if c["met"]
            else f">{c['max_n'] / o['n_evals']:.0f}x"
        )
        body.append(
            [
                r["model"],
                r["kind"],
                _n(c),
                _e(c["error"]),
                str(c["scan_evals"]),
                str(o["n_evals"]),
                _e(o["error"]),
                ratio,
                str(o["n_forward_only"]),
                _ms(o["forward_only_s"]),
                _ms(o["seconds"]),
                _ms(r.get("oracle_s")),
                _e(r.get("attr_dev", {}).get("ours")),
                _e(r.get("attr_dev", {}).get("oracle")),
                note.strip(),
            ]
        )
        shown = c["tried"] if len(c["tried"]) <= 12 else c["tried"][:6] + c["tried"][-6:]
        line = f"  {r['model']}: " + ", ".join(f"{t['n']}:{t['error']:.1e}" for t in shown)
        if r.get("fixed"):
            line += "\n    fixed rules, ours | captum: " + ", ".join(
                f"n={n}: {e:.1e} | {r['fixed_captum'][n]:.1e}" for n, e in r["fixed"].items()
            )
        scans.append(line)
    return (
        f"\nAccuracy per pass: gradient evaluations to reach completeness error <= {tol:g}"
        " (worst example). oracle: fixed Gauss-Legendre, first n of 1..16,20,24,... meeting"
        " tol (hindsight); scan evals: what finding it costs; ours: n_steps='auto', "
        f"tol={tol:g}; fwd-only: ours' forward passes without backward (per example) and "
        "their wall time; ours ms / oracle ms: one call each; dev: max |a - a_ref| / "
        "max |a_ref| per feature, a_ref the fixed rule at n=1024 or, where that misses "
        "1e-5 completeness, ours at tol=1e-5 (single-example cases)\n"
        + _table(headers, body)
        + "\noracle scan (n:error):\n"
        + "\n".join(scans)
    )


def targets(rows: list[dict], tol: float) -> list[dict]:
    """The issue's targets, each with the measured figure and met / missed."""
    out = []
    done = [r for r in rows if "skipped" not in r and r["ours"].get("status") == "ok"]
    for r in done:
        c, o = r["oracle"], r["ours"]
        name = r["model"]
        if r["kind"] == "smooth":
            ok = o["met"] and c["met"] and o["n_evals"] <= c["n_evals"]
            fig = f"ours {o['n_evals']} vs oracle {_n(c)}, err {o['error']:.1e}"
            out.append({"target": f"{name}: auto <= oracle n", "figure": fig, "met": ok})
        else:
            ratio = (c["n_evals"] if c["met"] else c["max_n"]) / o["n_evals"]
            bound = "" if c["met"] else ">="
            ok = o["met"] and ratio >= 4
            fig = (
                f"oracle {_n(c)} / ours {o['n_evals']} = {bound}{ratio:.1f}x, err {o['error']:.1e}"
            )
            out.append({"target": f"{name}: >= 4x fewer than oracle", "figure": fig, "met": ok})
        if name.startswith("scale-invariant"):
            ok = o["met"] and o["n_evals"] <= 64
            fig = f"{o['n_evals']} gradient evals, err {o['error']:.1e}"
            out.append({"target": f"{name}: {tol:g} within 64 evals", "figure": fig, "met": ok})
    return out


def targets_table(items: list[dict]) -> str:
    body = [[t["target"], t["figure"], "met" if t["met"] else "MISSED"] for t in items]
    met = sum(t["met"] for t in items)
    return f"\nTargets ({met} of {len(items)} met)\n" + _table(
        ["target", "measured", "status"], body
    )


def memory_line(m: dict) -> str:
    if m.get("status") != "ok":
        return (
            f"\nMemory run (ResNet-18 224x224, n_steps={m.get('n_steps')}, ours): {m.get('status')}"
        )
    return (
        f"\nMemory run (ResNet-18 224x224, n_steps={m['n_steps']}, "
        f"internal_batch_size=None, ours only): {m['seconds']:.1f} s, "
        f"peak {m['peak_mib']:.0f} MiB above start ({m['memory_measure']}); "
        + (
            f"process peak RSS {m['rss_peak_of_call_mib']:.0f} MiB; "
            if m.get("rss_peak_of_call_mib")
            else ""
        )
        + f"completeness error {m['completeness_error']:.1e}"
    )

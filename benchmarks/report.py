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
        f"\nSpeed: gausslegendre, 1 example, median of {min(reps)}-{max(reps)} "
        f"alternating rounds per model; memory = {head['memory_measure']}\n"
        "err = |sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')|; "
        "|a-a_captum| = max abs difference / max |captum attr|\n" + _table(headers, body)
    )


def accuracy_table(rows: list[dict], tol: float, max_n: int) -> str:
    headers = [
        "model",
        "captum n",
        "captum err",
        "captum scan",
        "ours n_evals",
        "ours err",
        "ours note",
    ]
    body, scans = [], []
    for r in rows:
        if "skipped" in r:
            body.append([r["model"], "-", "-", "-", "-", "-", r["skipped"]])
            continue
        c, o = r["captum"], r["ours"]
        cn = str(c["n_evals"]) if c["met"] else f">{c['tried'][-1]['n']}"
        if o.get("status") == "ok":
            on = "?" if o["n_evals"] is None else str(o["n_evals"])
            note = "" if o["met"] else "tol NOT met"
            if o.get("reported_error") is not None and not math.isclose(
                o["reported_error"], o["error"], rel_tol=0.05, abs_tol=1e-4
            ):
                note += f" (engine's delta says {o['reported_error']:.1e})"
            body.append(
                [
                    r["model"],
                    cn,
                    _e(c["error"]),
                    str(c["scan_evals"]),
                    on,
                    _e(o["error"]),
                    note.strip(),
                ]
            )
        else:
            body.append(
                [r["model"], cn, _e(c["error"]), str(c["scan_evals"]), o["status"], "-", ""]
            )
        scans.append(
            f"  {r['model']}: " + ", ".join(f"{t['n']}:{t['error']:.1e}" for t in c["tried"])
        )
    return (
        f"\nAccuracy per pass: gradient evaluations to reach completeness error "
        f"<= {tol:g} (captum: gausslegendre, first n of 1,2,3,4,6,8,12,... up to "
        f"{max_n}; captum scan = evaluations spent by the whole scan up to that n; "
        f"ours: n_steps='auto', tol={tol:g})\n"
        + _table(headers, body)
        + "\ncaptum error at each n tried (n:error):\n"
        + "\n".join(scans)
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

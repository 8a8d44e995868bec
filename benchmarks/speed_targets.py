"""The speed targets, measured inside ``benchmarks.run`` so its targets table has them all.

Each figure comes from the script that studies it in detail (same code, fewer repeats):

- per-call overhead on a small model: ``benchmarks.overhead`` (ours / proxy on the
  100-feature MLP, one thread, CPU time of alternating calls; goal <= 1.20);
- a batch of 64 images: ``benchmarks.batch`` (ours / proxy on the CNN, process CPU time
  and wall; goal <= 1.10);
- the widget's preview pass reused by the full pass: ``benchmarks.coarse_reuse`` (the
  saving in gradient evaluations and CPU time; met only when the widget reuses it);
- the opt-in compiled path: ``benchmarks.compile`` (first-call compile time and
  speed-up; met when it is measured and off by default where it does not pay). Compiling
  takes a minute on a 2-core CPU, so only ``--full`` runs it.

These run on the CPU whatever ``--device`` says (the models of those scripts are CPU
models), so their rows say "CPU".
"""

from __future__ import annotations

import torch

from benchmarks import batch, coarse_reuse, compile, models, overhead

#: (overhead repeats, batch repeats, preview-reuse repeats, compile repeats or None)
REPEATS = {"quick": (400, 5, 7, None), "full": (1000, 9, 15, 30)}


def measure(mode: str) -> dict:
    """Every speed target's measurement (a dict per target, JSON-ready)."""
    n_over, n_batch, n_reuse, n_compile = REPEATS[mode]
    out: dict = {"overhead": overhead.measure(n_over)}
    out["batch"] = batch.measure(n_steps=8, batch=64, repeats=n_batch)
    cnn, x, target = models.cnn_example()
    out["preview_reuse"] = coarse_reuse.measure("CNN 3x64x64", cnn, x, target, 50, n_reuse)
    from ig_widget import _runner

    out["preview_reuse"]["in_widget"] = bool(_runner.REUSE_PREVIEW_NODES)
    if n_compile is not None:
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            out["compile"] = compile.measure("CNN 3x64x64", cnn, x, target, n_compile)
        finally:
            torch.set_num_threads(before)
        out["compile"]["default_off"] = _compile_default_off()
    return out


def _compile_default_off() -> bool:
    import inspect

    from ig_widget import IntegratedGradients

    return inspect.signature(IntegratedGradients).parameters["compile"].default is False


def targets(m: dict) -> list[dict]:
    """Rows for ``report.targets_table``: target, measured figure, met."""
    o, b, r = m["overhead"], m["batch"], m["preview_reuse"]
    rows = [
        {
            "target": "tabular MLP 100 feat: ours/proxy <= 1.20 (CPU, 1 thread)",
            "figure": f"{o['ratio_cpu']:.2f} CPU time, {o['ratio_wall']:.2f} wall",
            "met": o["ratio_cpu"] <= 1.20,
        },
        {
            "target": f"CNN batch {b['batch']}: ours/proxy <= 1.10 (CPU)",
            "figure": f"{b['ratio_cpu']:.2f} CPU time, {b['ratio_wall']:.2f} wall",
            "met": b["ratio_cpu"] <= 1.10,
        },
        {
            "target": "CNN: widget's preview nodes reused by the full pass",
            "figure": (
                f"{r['evals_before']} -> {r['evals_after']} gradient evals, "
                f"{r['ratio_cpu']:.2f}x CPU time"
                + ("" if r["in_widget"] else "; off in the widget")
            ),
            "met": r["in_widget"] and r["evals_after"] < r["evals_before"],
        },
    ]
    c = m.get("compile")
    if c is not None:
        pays = c["speedup_cpu"] > 1.0
        rows.append(
            {
                "target": "CNN: compiled path measured, off by default where it does not pay",
                "figure": (
                    f"compile {c['compile_s']:.0f} s, speed-up {c['speedup_cpu']:.2f}x CPU, "
                    f"default {'off' if c['default_off'] else 'on'}"
                ),
                "met": pays or c["default_off"],
            }
        )
    return rows

"""How far float16 / bfloat16 attributions are from float64 ones, on the benchmark models.

For every benchmark case (quick mode's n_steps), the reference is the same model and input
in float64. The half-precision runs take a copy of the model in float16 or bfloat16 and
the input either in that dtype too (``x.to(dtype)``, what most users write) or left in
float32 (path points stay float32; the engine casts them as they enter the model).

Printed per case and dtype: ``rel max`` = max |a - a64| / max |a64|, ``rel l2`` =
||a - a64|| / ||a64||, and ``|delta|`` = |sum a - (F(x) - F(x'))| / |F(x) - F(x')| of the
half-precision run (from its own F values).

    python -m benchmarks.half_precision            # CPU; about a minute on 2 cores
"""

from __future__ import annotations

import copy
import warnings

import torch

from benchmarks.cases import build_cases
from ig_widget import IntegratedGradients


def _errors(attr: torch.Tensor, ref: torch.Tensor) -> tuple[float, float]:
    a, r = attr.double(), ref.double()
    return float((a - r).abs().max() / r.abs().max()), float((a - r).norm() / r.norm())


def main() -> None:
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    cases = build_cases("quick", device, repeats=1)
    print(f"torch {torch.__version__}, device {device}")
    header = (
        f"{'model':24s} {'dtype':9s} {'inputs':8s} {'rel max':>9s} {'rel l2':>9s} {'|delta|':>9s}"
    )
    print(header)
    print("-" * len(header))
    for case in cases:
        model = case.forward
        ref_model = copy.deepcopy(model).double()
        x64, b64 = case.x.double(), case.baseline.double()
        ref = IntegratedGradients(ref_model).attribute(
            x64, b64, target=case.target, n_steps=case.n_steps
        )
        for dtype in (torch.bfloat16, torch.float16):
            half = copy.deepcopy(model).to(dtype)
            for inputs in (dtype, torch.float32):
                x, b = case.x.to(inputs), case.baseline.to(inputs)
                name = str(dtype).replace("torch.", "")
                src = str(inputs).replace("torch.", "")
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # the dtype note for float32 inputs
                        res = IntegratedGradients(half).attribute_detailed(
                            x, b, target=case.target, n_steps=case.n_steps
                        )
                except (RuntimeError, TypeError, ValueError) as err:
                    print(f"{case.name:24s} {name:9s} {src:8s} fails: {str(err)[:60]}")
                    continue
                rel_max, rel_l2 = _errors(res.attributions[0], ref)
                gap = float((res.output.double() - res.baseline_output.double()).abs().max())
                d = float(res.delta.abs().max()) / max(gap, 1e-30)
                print(f"{case.name:24s} {name:9s} {src:8s} {rel_max:9.2e} {rel_l2:9.2e} {d:9.2e}")


if __name__ == "__main__":
    main()

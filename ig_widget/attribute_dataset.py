"""``ig_widget.attribute_dataset``: the function, and the command line that runs it.

From Python, ``ig_widget.attribute_dataset(model, data, ...)`` (see
``ig_widget.dataset.run``). From a shell, the model and the data come from factory
functions named ``module:function``, so one command serves one process, N processes on a
machine and N machines::

    python -m ig_widget.attribute_dataset --model mypkg.models:make_model \\
        --data mypkg.data:make_dataset --out attributions/ --target predicted
    torchrun --nproc_per_node=4 -m ig_widget.attribute_dataset --model ... --data ...

Under ``torchrun`` each process joins the job (nccl on GPUs, gloo on CPUs), takes its
own GPU and every N-th shard. Importing this module as ``ig_widget.attribute_dataset``
replaces the package attribute of that name, so the module itself is made callable and
``ig_widget.attribute_dataset(...)`` keeps working either way.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import types
from collections.abc import Sequence
from typing import Any

from .dataset.run import attribute_dataset

__all__ = ["attribute_dataset", "load_factory", "main"]


def load_factory(spec: str, what: str) -> Any:
    """Import ``module:function`` and return what calling it returns."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(
            f"--{what} {spec!r} must be 'module:function', e.g. 'mypkg.models:make_model'."
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ValueError(
            f"--{what}: cannot import {module_name!r} ({err}); is it on PYTHONPATH?"
        ) from err
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as err:
            raise ValueError(f"--{what}: {module_name!r} has no attribute {attr!r}.") from err
    if not callable(obj):
        raise TypeError(f"--{what}: {spec!r} is not callable; name a function that builds it.")
    return obj()


def _number_or_none(text: str) -> Any:
    return None if text.lower() in ("none", "zeros") else float(text)


def _target(text: str) -> Any:
    if text in ("predicted", "label"):
        return text
    if text.lower() == "none":
        return None
    if text.isdigit():
        return int(text)
    raise argparse.ArgumentTypeError(
        f"--target {text!r}: give 'predicted', 'label', a class index or 'none'."
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ig_widget.attribute_dataset",
        description="Integrated Gradients over a data set, written as shards to --out.",
    )
    p.add_argument("--model", required=True, help="module:function returning the model")
    p.add_argument("--data", required=True, help="module:function returning the data set")
    p.add_argument("--out", required=True, help="results directory (resumed if present)")
    p.add_argument("--target", type=_target, default="predicted")
    p.add_argument("--baseline", type=_number_or_none, default=None, help="a number, or zeros")
    p.add_argument("--n-steps", type=int, default=50)
    p.add_argument("--method", default="gausslegendre")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--shard-size", type=int, default=None)
    p.add_argument("--internal-batch-size", type=int, default=None)
    p.add_argument("--layer", default=None, help="dotted name of the layer to attribute at")
    p.add_argument("--input-key", default=None, help="for dict examples: the key to attribute")
    p.add_argument("--device", default=None, help="default: the model's, or LOCAL_RANK's GPU")
    p.add_argument("--no-inputs", action="store_true", help="do not store the inputs")
    p.add_argument("--overwrite", action="store_true", help="discard results already in --out")
    p.add_argument("--no-progress", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import torch

    from .dataset.distributed import init_from_environment, local_device

    created = init_from_environment()
    try:
        model = load_factory(args.model, "model")
        data = load_factory(args.data, "data")
        device = args.device
        if device is None and created and getattr(model, "hf_device_map", None) is None:
            device = local_device()
            if isinstance(model, torch.nn.Module):
                model = model.to(device)
        res = attribute_dataset(
            model,
            data,
            target=args.target,
            baselines=args.baseline,
            n_steps=args.n_steps,
            method=args.method,
            out=args.out,
            layer=args.layer,
            batch_size=args.batch_size,
            shard_size=args.shard_size,
            internal_batch_size=args.internal_batch_size,
            store_inputs=not args.no_inputs,
            input_key=args.input_key,
            device=device,
            overwrite=args.overwrite,
            progress=False if args.no_progress else None,
        )
        if res is not None and (not created or torch.distributed.get_rank() == 0):
            print(
                f"{len(res)} examples in {args.out} ({'complete' if res.complete else 'partial'})"
            )
    finally:
        if created:
            torch.distributed.destroy_process_group()
    return 0


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return attribute_dataset(*args, **kwargs)


if __name__ != "__main__":
    sys.modules[__name__].__class__ = _CallableModule

if __name__ == "__main__":
    sys.exit(main())

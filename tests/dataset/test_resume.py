"""Interrupted runs resume where they stopped: same results as an uninterrupted run,
finished shards neither recomputed nor rewritten, and nothing half-written left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

import ig_widget
from ig_widget.dataset import open_results

from .factories import N_EXAMPLES, make_data, make_model

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("index", "attributions", "input", "target", "label", "predicted", "output")


class CountingModel(torch.nn.Module):
    """Counts the run's one no-graph forward per batch; raises KeyboardInterrupt (as
    Ctrl-C would) when the ``stop_at``-th batch starts."""

    def __init__(self, stop_at: int | None = None) -> None:
        super().__init__()
        self.net = make_model()
        self.batches, self.stop_at = 0, stop_at

    def forward(self, x):
        if not torch.is_grad_enabled():
            self.batches += 1
            if self.batches == self.stop_at:
                raise KeyboardInterrupt
        return self.net(x)


def assert_same(a, b) -> None:
    assert len(a) == len(b)
    ra, rb = a[:], b[:]
    for key in (*KEYS, "baseline_output", "delta"):
        assert torch.equal(ra[key], rb[key]), key


def shard_stats(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.glob("*.safetensors")}


RUN = {"n_steps": 12, "batch_size": 4, "shard_size": 8, "progress": False}


def test_ctrl_c_then_resume_matches_an_uninterrupted_run(tmp_path):
    data = make_data()
    full = ig_widget.attribute_dataset(CountingModel(), data, out=tmp_path / "full", **RUN)

    out = tmp_path / "cut"
    first = CountingModel(stop_at=6)  # batch 6 is the second batch of shard 2
    with pytest.raises(KeyboardInterrupt):
        ig_widget.attribute_dataset(first, data, out=out, **RUN)
    partial = open_results(out)
    assert len(partial) == 16 and not partial.complete
    assert json.loads((out / "index.json").read_text())["complete"] is False
    assert not list(out.glob(".*.tmp"))
    before = shard_stats(out)
    assert sorted(before) == ["rank0-shard00000.safetensors", "rank0-shard00001.safetensors"]

    second = CountingModel()
    resumed = ig_widget.attribute_dataset(second, data, out=out, **RUN)
    # 37 examples in batches of 4 within shards of 8: 10 batches, 4 of them were done
    assert second.batches == 10 - 4
    after = shard_stats(out)
    assert {k: after[k] for k in before} == before  # not rewritten
    assert len(after) == 5 and resumed.complete
    assert_same(resumed, full)

    third = CountingModel()
    ig_widget.attribute_dataset(third, data, out=out, **RUN)
    assert third.batches == 0 and shard_stats(out) == after


def test_leftovers_of_a_kill_are_redone_not_trusted(tmp_path):
    data = make_data()
    out = tmp_path / "run"
    full = ig_widget.attribute_dataset(make_model(), data, out=tmp_path / "full", **RUN)
    with pytest.raises(KeyboardInterrupt):
        ig_widget.attribute_dataset(CountingModel(stop_at=5), data, out=out, **RUN)
    # what a kill between writing and renaming, or between renaming and indexing, leaves
    (out / f".rank0-shard00002.safetensors.{os.getpid() + 1}.tmp").write_bytes(b"\0" * 10)
    (out / "rank0-shard00003.safetensors").write_bytes(b"half a file")
    counter = CountingModel()
    resumed = ig_widget.attribute_dataset(counter, data, out=out, **RUN)
    assert counter.batches == 10 - 4
    assert not list(out.glob(".*.tmp"))
    assert len(list(out.glob("*.safetensors"))) == 5
    assert_same(resumed, full)


def _cli(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ig_widget.attribute_dataset",
        "--model",
        "tests.dataset.factories:make_model",
        "--data",
        "tests.dataset.factories:make_data",
        "--out",
        str(out),
        "--n-steps",
        "12",
        "--batch-size",
        "4",
        "--shard-size",
        "8",
        "--no-progress",
        *extra,
    ]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def test_sigkill_mid_run_then_resume_matches(tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        _cli(out), cwd=ROOT, env=_env(IGW_TEST_SLOW="0.02"), stderr=subprocess.PIPE
    )
    index = out / "index.json"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if index.exists() and len(json.loads(index.read_text())["shards"]) >= 2:
                break
            if proc.poll() is not None:
                pytest.fail(f"the run ended before it was killed: {proc.stderr.read().decode()}")
            time.sleep(0.01)
        else:
            pytest.fail("the run wrote no index within 120 s")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    killed = open_results(out)
    assert not killed.complete and 16 <= len(killed) < N_EXAMPLES
    before = shard_stats(out)
    kept = {e["file"] for e in json.loads(index.read_text())["shards"]}

    calls = tmp_path / "calls.txt"
    done = subprocess.run(
        _cli(out), cwd=ROOT, env=_env(IGW_TEST_CALLS=str(calls)), capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()
    resumed = open_results(out)
    assert resumed.complete and len(resumed) == N_EXAMPLES
    after = shard_stats(out)
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    # forward passes of batch size 4 or less without steps: the no-graph forward of each batch
    n_batches_left = sum(1 for line in calls.read_text().split() if int(line) <= 4)
    assert n_batches_left == 10 - 2 * len(kept)

    full = ig_widget.attribute_dataset(make_model(), make_data(), out=tmp_path / "full", **RUN)
    assert_same(resumed, full)

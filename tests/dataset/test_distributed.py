"""Two processes on the gloo backend (torchrun, loopback only) write the same results as
one process; and a multi-process run can be resumed by a single process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import ig_widget
from ig_widget.dataset import open_results
from ig_widget.dataset.store import finished_shards

from .factories import N_EXAMPLES, make_data, make_model
from .test_resume import ROOT, RUN, _cli, _env, assert_same


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun(out: Path, nproc: int, **env: str) -> subprocess.CompletedProcess:
    launcher = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        f"--nproc_per_node={nproc}",
        "--nnodes=1",
        "--master_addr=127.0.0.1",
        f"--master_port={free_port()}",
    ]
    cli = _cli(out)
    cmd = launcher + ["-m", "ig_widget.attribute_dataset"] + cli[3:]
    extra = {"MASTER_ADDR": "127.0.0.1", "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}
    return subprocess.run(cmd, cwd=ROOT, env=_env(**extra, **env), capture_output=True, timeout=300)


def test_two_processes_match_one(tmp_path):
    out = tmp_path / "two"
    done = torchrun(out, 2)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    index = json.loads((out / "index.json").read_text())
    assert index["complete"] and index["n_done"] == N_EXAMPLES
    # shard k went to rank k % 2, one merged index, no per-process index left
    assert [(s["shard"], s["rank"]) for s in index["shards"]] == [(k, k % 2) for k in range(5)]
    assert not list(out.glob("rank*.json"))
    two = open_results(out)
    one = ig_widget.attribute_dataset(make_model(), make_data(), out=tmp_path / "one", **RUN)
    assert_same(two, one)


def test_a_partial_two_process_run_resumes_in_one_process(tmp_path, monkeypatch):
    """Rank 1 dies after its first shard (as a killed process would); one process then
    finishes the run without redoing what either rank wrote."""
    out = tmp_path / "run"
    done = torchrun(out, 2, IGW_TEST_DIE_RANK="1")
    assert done.returncode != 0
    # the shards some index lists (a file written but not yet indexed is redone)
    indexed = finished_shards(out)[1].values()
    written = {e["file"]: (out / e["file"]).stat().st_mtime_ns for e in indexed}
    assert "rank1-shard00001.safetensors" in written
    # rank 0 may or may not finish shards 2 and 4 before the launcher stops it
    assert "rank1-shard00003.safetensors" not in written
    missing = [k for k in range(5) if f"rank{k % 2}-shard{k:05d}.safetensors" not in written]
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("IGW_TEST_CALLS", str(calls))
    r = ig_widget.attribute_dataset(make_model(), make_data(), out=out, **RUN)
    monkeypatch.delenv("IGW_TEST_CALLS")
    assert r.complete and len(r) == N_EXAMPLES
    now = {p.name: p.stat().st_mtime_ns for p in out.glob("*.safetensors")}
    assert {k: now[k] for k in written} == written
    assert {f"rank0-shard{k:05d}.safetensors" for k in missing} <= set(now) - set(written)
    # every shard is two batches (the last: 4 + 1 examples); only missing ones were run
    assert sum(1 for line in calls.read_text().split() if int(line) <= 4) == 2 * len(missing)
    one = ig_widget.attribute_dataset(make_model(), make_data(), out=tmp_path / "one", **RUN)
    assert_same(r, one)

"""The results directory on its own: atomic files, indexes merged from processes, the
lazy reader's view of partial runs."""

from __future__ import annotations

import json

import pytest
import torch

from ig_widget.dataset import open_results, store


def shard_tensors(start: int, n: int, width: int = 3) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(start)
    return {
        "index": torch.arange(start, start + n),
        "attributions.0": torch.randn(n, width, generator=g),
        "attributions.1": torch.randn(n, 2, generator=g),
        "target": torch.zeros(n, dtype=torch.long),
        "predicted": torch.ones(n, dtype=torch.long),
        "output": torch.randn(n, generator=g),
        "baseline_output": torch.randn(n, generator=g),
        "delta": torch.randn(n, generator=g),
    }


def test_atomic_write_replaces_whole_files_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.bin"
    store.atomic_write(path, b"first")
    store.atomic_write(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]

    with pytest.raises(TypeError):
        store.atomic_write(path, object())  # the write fails half-way
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_rank_indexes_merge_into_one_view(tmp_path):
    """What two processes leave mid-run: the reader sees both; layout keys come from
    whichever process wrote them."""
    base = {"n_steps": 4, "n_inputs": 2, "tuple_inputs": True}
    e0 = store.write_shard(tmp_path, 0, 0, 0, shard_tensors(0, 4))
    e1 = store.write_shard(tmp_path, 1, 1, 4, shard_tensors(4, 3))
    store.write_json(
        tmp_path / "rank0.json", store.index_document({"n_steps": 4}, [e0], False, rank=0)
    )
    store.write_json(tmp_path / "rank1.json", store.index_document(base, [e1], False, rank=1))
    settings, entries = store.finished_shards(tmp_path)
    assert settings == base and sorted(entries) == [0, 1]
    r = open_results(tmp_path)
    assert len(r) == 7 and not r.complete
    got = r[2:6]
    assert isinstance(got["attributions"], tuple)
    torch.testing.assert_close(
        got["attributions"][1],
        torch.cat(
            [shard_tensors(0, 4)["attributions.1"][2:], shard_tensors(4, 3)["attributions.1"][:2]]
        ),
    )
    assert r[6]["index"] == 6 and r[6]["label"] is None and r[6]["input"] is None
    assert torch.equal(r.column("predicted"), torch.ones(7, dtype=torch.long))
    assert r.column("label") is None


def test_a_truncated_shard_is_not_counted(tmp_path):
    e0 = store.write_shard(tmp_path, 0, 0, 0, shard_tensors(0, 4))
    e1 = store.write_shard(tmp_path, 0, 1, 4, shard_tensors(4, 4))
    store.write_json(tmp_path / "index.json", store.index_document({"n_inputs": 2}, [e0, e1], True))
    data = (tmp_path / e1["file"]).read_bytes()
    (tmp_path / e1["file"]).write_bytes(data[: len(data) // 2])
    assert sorted(store.finished_shards(tmp_path)[1]) == [0]
    r = open_results(tmp_path)
    assert len(r) == 4 and not r.complete


def test_foreign_index_and_missing_directory_are_refused(tmp_path):
    (tmp_path / "index.json").write_text(json.dumps({"format": "other/9", "shards": []}))
    with pytest.raises(ValueError, match="new out= directory"):
        open_results(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no index.json"):
        open_results(tmp_path / "empty")


def test_remove_results_keeps_the_users_files(tmp_path):
    store.write_shard(tmp_path, 0, 0, 0, shard_tensors(0, 2))
    store.write_json(tmp_path / "index.json", {})
    store.write_json(tmp_path / "rank3.json", {})
    (tmp_path / ".rank0-shard00001.safetensors.99.tmp").write_bytes(b"x")
    (tmp_path / "notes.json").write_text("{}")
    store.remove_results(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.json"]

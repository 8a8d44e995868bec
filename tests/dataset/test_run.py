"""attribute_dataset against the engine run example by example, for every data form,
target rule and model kind it accepts; and the errors for what it refuses."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset

import ig_widget
from ig_widget import IntegratedGradients
from ig_widget.dataset import open_results

from .factories import make_data, make_model


def per_example(model, xs, targets, n_steps=16, baselines=None):
    """The plain loop: the engine once per example."""
    ig = IntegratedGradients(model)
    rows = []
    for i in range(len(xs)):
        res = ig.attribute_detailed(
            xs[i : i + 1], baselines=baselines, target=int(targets[i]), n_steps=n_steps
        )
        rows.append((res.attributions[0][0], res.output[0], res.baseline_output[0], res.delta[0]))
    return rows


def check_against_loop(r, model, x, targets, n_steps=16, baselines=None):
    assert len(r) == len(x)
    for i, (attr, out, base, delta) in enumerate(
        per_example(model, x, targets, n_steps, baselines)
    ):
        rec = r[i]
        assert rec["index"] == i
        torch.testing.assert_close(rec["attributions"], attr, rtol=1e-10, atol=1e-12)
        assert rec["output"] == pytest.approx(out.item(), rel=1e-10, abs=1e-12)
        assert rec["baseline_output"] == pytest.approx(base.item(), rel=1e-10, abs=1e-12)
        assert rec["delta"] == pytest.approx(delta.item(), rel=1e-8, abs=1e-10)
        assert rec["target"] == int(targets[i])


@pytest.fixture
def model():
    return make_model()


@pytest.fixture
def pairs():
    ds = make_data()
    return ds.x, ds.y


def test_predicted_target_matches_engine_per_example(model, pairs, tmp_path):
    x, y = pairs
    r = ig_widget.attribute_dataset(
        model, (x, y), n_steps=16, out=tmp_path, batch_size=5, shard_size=12, progress=False
    )
    with torch.no_grad():
        pred = model(x).argmax(1)
    check_against_loop(r, model, x, pred)
    assert r.complete
    assert torch.equal(r.column("predicted"), pred)
    assert torch.equal(r.column("label"), y)
    assert torch.equal(r[:]["input"], x)
    # 37 examples in shards of 12: four files, one index
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "index.json",
        *[f"rank0-shard{k:05d}.safetensors" for k in range(4)],
    ]


def test_label_int_and_callable_targets(model, pairs, tmp_path):
    x, y = pairs
    r = ig_widget.attribute_dataset(
        model, (x, y), target="label", n_steps=16, out=tmp_path / "a", progress=False
    )
    check_against_loop(r, model, x, y)
    r = ig_widget.attribute_dataset(
        model, (x, y), target=2, n_steps=16, out=tmp_path / "b", progress=False
    )
    check_against_loop(r, model, x, torch.full((len(x),), 2))

    def least_likely(outputs, labels):
        assert labels is not None and outputs.shape == (len(labels), 4)
        return outputs.argmin(1)

    r = ig_widget.attribute_dataset(
        model, (x, y), target=least_likely, n_steps=16, out=tmp_path / "c", progress=False
    )
    with torch.no_grad():
        check_against_loop(r, model, x, model(x).argmin(1))


@pytest.mark.parametrize(
    "form", ["tensor", "dataset", "loader", "loader-workers", "stream", "tensordataset"]
)
def test_data_forms_give_the_same_results(model, pairs, tmp_path, form):
    x, y = pairs

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(zip(x, y, strict=True))

    data = {
        "tensor": x,
        "dataset": make_data(),
        "loader": DataLoader(make_data(), batch_size=6),
        "loader-workers": DataLoader(make_data(), batch_size=6, num_workers=2),
        "stream": DataLoader(Stream(), batch_size=7),
        "tensordataset": TensorDataset(x, y),
    }[form]
    r = ig_widget.attribute_dataset(
        model, data, target=1, n_steps=16, out=tmp_path, shard_size=10, progress=False
    )
    check_against_loop(r, model, x, torch.ones(len(x), dtype=torch.long))
    assert r.complete and r.settings["n_examples"] in (len(x), None)
    assert (r[0]["label"] is None) == (form == "tensor")


def test_tuple_inputs_and_callable_baselines(tmp_path):
    torch.manual_seed(3)
    lin_a, lin_b = torch.nn.Linear(3, 2).double(), torch.nn.Linear(4, 2).double()

    class Two(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = lin_a, lin_b

        def forward(self, a, b):
            return torch.tanh(self.a(a)) * self.b(b)

    net = Two().eval()
    a, b = torch.randn(9, 3, dtype=torch.float64), torch.randn(9, 4, dtype=torch.float64)

    class DS(Dataset):
        def __len__(self):
            return 9

        def __getitem__(self, i):
            return (a[i], b[i]), 0

    def half(inputs):
        return tuple(t * 0.5 for t in inputs)

    r = ig_widget.attribute_dataset(
        net, DS(), target=1, baselines=half, n_steps=12, out=tmp_path, batch_size=4, progress=False
    )
    ref = IntegratedGradients(net).attribute_detailed(
        (a, b), baselines=(a * 0.5, b * 0.5), target=1, n_steps=12
    )
    got = r[:]
    assert isinstance(got["attributions"], tuple) and len(got["attributions"]) == 2
    for g, e in zip(got["attributions"], ref.attributions, strict=True):
        torch.testing.assert_close(g, e, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(got["delta"], ref.delta, rtol=1e-8, atol=1e-10)
    assert isinstance(r[4]["input"], tuple) and torch.equal(r[4]["input"][1], b[4])


def test_reader_slices_and_negative_indices(model, pairs, tmp_path):
    x, y = pairs
    r = ig_widget.attribute_dataset(
        model, (x, y), n_steps=8, out=tmp_path, batch_size=4, shard_size=8, progress=False
    )
    every = r[:]
    for sl in (slice(3, 20), slice(None, None, 5), slice(30, 2, -3), slice(36, 37)):
        part = r[sl]
        idx = torch.tensor(list(range(len(x)))[sl])
        assert torch.equal(part["index"], idx)
        assert torch.equal(part["attributions"], every["attributions"][idx])
        assert torch.equal(part["delta"], every["delta"][idx])
    assert r[-1]["index"] == len(x) - 1
    assert r[np.int64(5)]["index"] == r[torch.tensor(5)]["index"] == 5
    reopened = open_results(tmp_path)
    assert torch.equal(reopened[7]["attributions"], r[7]["attributions"])
    with pytest.raises(IndexError, match="out of range"):
        r[len(x)]
    with pytest.raises(TypeError, match="int or a slice"):
        r["a"]


def test_settings_mismatch_and_overwrite(model, pairs, tmp_path):
    x, y = pairs
    ig_widget.attribute_dataset(model, x, n_steps=8, out=tmp_path, progress=False)
    with pytest.raises(ValueError, match=r"n_steps: stored 8, now 9.*overwrite=True"):
        ig_widget.attribute_dataset(model, x, n_steps=9, out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="baselines"):
        ig_widget.attribute_dataset(
            model, x, n_steps=8, baselines=0.5, out=tmp_path, progress=False
        )
    other = torch.nn.Sequential(torch.nn.Linear(6, 4)).double().eval()
    with pytest.raises(ValueError, match="model"):
        ig_widget.attribute_dataset(other, x, n_steps=8, out=tmp_path, progress=False)
    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    r = ig_widget.attribute_dataset(
        model, x, n_steps=9, out=tmp_path, overwrite=True, progress=False
    )
    assert r.settings["n_steps"] == 9 and len(r) == len(x) and keep.read_text() == "mine"


def test_bad_arguments_are_refused_with_the_fix(model, pairs, tmp_path):
    x, y = pairs
    with pytest.raises(ValueError, match="shuffle=False"):
        ig_widget.attribute_dataset(
            model, DataLoader(TensorDataset(x, y), shuffle=True), out=tmp_path, progress=False
        )
    with pytest.raises(ValueError, match="target='label' but the data set gives no labels"):
        ig_widget.attribute_dataset(model, x, target="label", out=tmp_path / "l", progress=False)
    with pytest.raises(ValueError, match="target='nearest'"):
        ig_widget.attribute_dataset(model, x, target="nearest", out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="batch_size=0"):
        ig_widget.attribute_dataset(model, x, batch_size=0, out=tmp_path, progress=False)
    with pytest.raises(TypeError, match="data must be"):
        ig_widget.attribute_dataset(model, 3.0, out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="not a submodule"):
        ig_widget.attribute_dataset(model, x, layer="nope", out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="one integer class index per example"):
        ig_widget.attribute_dataset(
            model, x, target=lambda o, lab: o[:, 0], out=tmp_path / "c", progress=False
        )
    with pytest.raises(FileNotFoundError, match="not a results directory"):
        open_results(tmp_path / "missing")


def test_module_stays_callable_after_import(model, pairs, tmp_path):
    import ig_widget.attribute_dataset as module

    assert ig_widget.attribute_dataset is module or callable(ig_widget.attribute_dataset)
    r = ig_widget.attribute_dataset(model, pairs[0][:3], n_steps=4, out=tmp_path, progress=False)
    assert len(r) == 3


def test_out_of_memory_splits_the_batch(pairs, tmp_path):
    """A model that runs out of memory above 12 rows per call still gets every example
    done, with the numbers of a model that never fails: the no-graph forward and the
    engine's smallest chunk (rows + F(x), F(x') rows) both push the batch to halve."""
    x, _ = pairs
    net = make_model()
    sizes = []

    class Picky(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, z):
            sizes.append(z.shape[0])
            if z.shape[0] > 12:
                raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
            return self.net(z)

    r = ig_widget.attribute_dataset(
        Picky().eval(), x, target=0, n_steps=8, out=tmp_path, batch_size=16, progress=False
    )
    check_against_loop(r, net, x, torch.zeros(len(x), dtype=torch.long), n_steps=8)
    assert 16 in sizes and 24 in sizes  # the full batch and the 8-example batch's first pass


def test_warnings_from_the_engine_are_reported_once(tmp_path):
    class Detached(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 2)

        def forward(self, x):
            return self.lin(x.detach())

    dead = Detached().eval()
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        ig_widget.attribute_dataset(
            dead, torch.rand(10, 3), target=0, n_steps=4, batch_size=2, out=tmp_path, progress=False
        )
    assert len([w for w in got if "zero" in str(w.message)]) == 1


class OnlyInWorkers(Dataset):
    """Refuses to load in the main process: proves the loader's workers do the loading."""

    def __init__(self):
        self.inner = make_data()

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, i):
        if torch.utils.data.get_worker_info() is None:
            raise RuntimeError("loaded outside a worker")
        return self.inner[i]


def test_the_loaders_workers_load_the_examples(model, pairs, tmp_path):
    x, y = pairs
    loader = DataLoader(OnlyInWorkers(), batch_size=5, num_workers=2)
    r = ig_widget.attribute_dataset(
        model, loader, target="label", n_steps=8, out=tmp_path, shard_size=10, progress=False
    )
    check_against_loop(r, model, x, y, n_steps=8)
    # resumed with shards 1 and 3 missing: the workers load only those
    for k in (1, 3):
        (tmp_path / f"rank0-shard{k:05d}.safetensors").unlink()
    r = ig_widget.attribute_dataset(
        model, loader, target="label", n_steps=8, out=tmp_path, shard_size=10, progress=False
    )
    check_against_loop(r, model, x, y, n_steps=8)


def test_cpu_default_batch_follows_the_example_size(tmp_path):
    from ig_widget.dataset.run import cpu_batch_size
    from ig_widget.dataset.source import make_source

    images, table = torch.rand(3, 3, 64, 64), torch.rand(3, 20)
    assert cpu_batch_size(make_source(images), 32, None, None) == 1
    assert cpu_batch_size(make_source(table), 32, None, None) == 32
    emb = torch.nn.Embedding(50, 64)
    ids = torch.zeros(3, 64, dtype=torch.long)
    assert cpu_batch_size(make_source(ids), 32, emb, None) == 4
    r = ig_widget.attribute_dataset(
        torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 64 * 64, 2)).eval(),
        images,
        target=0,
        n_steps=32,
        out=tmp_path,
        progress=False,
    )
    assert r.settings["shard_size"] == 64 and len(r) == 3


@pytest.mark.parametrize("kind", ["module", "function"])
def test_the_engine_sees_a_row_wise_forward_only_for_a_module(kind, pairs, tmp_path, monkeypatch):
    """``n_steps="auto"`` packs each example's rows only for a forward that sees rows
    on their own: the data-set run's wrapper around a module says so, one around a
    plain function (which may pair rows with examples by position) does not."""
    from ig_widget.dataset import run as run_mod
    from ig_widget.engine.model_state import sees_rows_alone

    net = make_model()
    model = net if kind == "module" else (lambda v: net(v))
    seen = []

    class Recording(IntegratedGradients):
        def __init__(self, forward_func, *args, **kwargs):
            seen.append(sees_rows_alone(forward_func))
            super().__init__(forward_func, *args, **kwargs)

    monkeypatch.setattr(run_mod, "IntegratedGradients", Recording)
    x, _ = pairs
    r = ig_widget.attribute_dataset(
        model, x[:4], n_steps="auto", out=tmp_path, batch_size=4, progress=False
    )
    assert r.complete and seen
    assert set(seen) == {kind == "module"}

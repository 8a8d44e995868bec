"""IGBrowser without a browser: traits set as the front end sets them, results checked
against numpy; the open/back cycle; background thumbnails and their cancellation."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
import traitlets

from ig_widget.browser import table
from ig_widget.engine import IntegratedGradients

from .conftest import ImageNet, TabularHF, TextNet


def _probs(model, x):
    with torch.no_grad():
        out = model(x)
    out = getattr(out, "logits", out)
    return torch.softmax(out.double(), 1).numpy()


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("ig_widget-worker")]


def test_prediction_pass_is_batched_and_matches_the_model(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y, batch_size=64, attr_thumbnails=False)
    g = b.gallery
    assert model.calls == 4  # ceil(200 / 64) forward passes, nothing else
    probs = _probs(model, x)
    np.testing.assert_allclose(g.scores.probs, probs, rtol=1e-6)
    assert g.status == "ready" and g.progress == 1.0
    assert g.n_examples == 200 and g.modality == "image"
    assert g.accuracy == pytest.approx(float(np.mean(probs.argmax(1) == y.numpy())))
    want = np.zeros((5, 5), dtype=int)
    np.add.at(want, (y.numpy(), probs.argmax(1)), 1)
    assert g.confusion == want.tolist()


def test_pages_follow_the_numpy_order(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y, page_size=48, attr_thumbnails=False)
    g = b.gallery
    probs = _probs(model, x)
    loss = -np.log(probs[np.arange(200), y.numpy()])
    order = np.lexsort((np.arange(200), -loss))
    g.sort_by, g.descending = "loss", True
    assert g.n_pages == 5
    seen = []
    for page in range(5):
        g.page = page  # as the pager does
        assert [c["index"] for c in g._items] == order[48 * page : 48 * (page + 1)].tolist()
        seen += [c["index"] for c in g._items]
        card = g._items[0]
        i = card["index"]
        assert card["label"] == int(y[i]) and card["predicted"] == int(probs[i].argmax())
        assert card["prob"] == pytest.approx(probs[i].max())
        assert card["loss"] == pytest.approx(loss[i])
        assert card["thumb"]["shape"] == [8, 8, 4] and isinstance(card["thumb"]["data"], bytes)
    assert seen == order.tolist()
    g.page = 99
    assert g.page == 4 and len(g._items) == 200 - 4 * 48


def test_filters_reset_the_page_and_match_numpy(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y, page_size=10, attr_thumbnails=False)
    g = b.gallery
    pred = _probs(model, x).argmax(1)
    labels = y.numpy()
    g.page = 3
    g.misclassified = True
    assert g.page == 0
    wrong = np.flatnonzero(pred != labels)
    assert g.n_shown == len(wrong)
    np.testing.assert_array_equal(g.view_indices(), wrong)
    # a confusion cell, as the front end sets it
    i, j = int(labels[wrong[0]]), int(pred[wrong[0]])
    with g.hold_trait_notifications():
        g.misclassified = False
        g.true_class, g.predicted_class = i, j
    cell = np.flatnonzero((labels == i) & (pred == j))
    np.testing.assert_array_equal(g.view_indices(), cell)
    assert g.n_shown == g.confusion[i][j] == len(cell)
    assert all(c["label"] == i and c["predicted"] == j for c in g._items)
    g.true_class = -1
    g.sort_by = "margin"
    np.testing.assert_array_equal(
        g.view_indices(), table.order(g.scores, np.flatnonzero(pred == j), "margin")
    )
    with pytest.raises(traitlets.TraitError, match="not a class"):
        g.true_class = 5


def test_without_labels_the_label_filters_refuse(images, browsers):
    model, x, _ = images
    b = browsers(model, x, attr_thumbnails=False)
    g = b.gallery
    assert not g.has_labels and g.accuracy == -1 and g.confusion == []
    assert g._items[0]["label"] == -1 and g._items[0]["loss"] is None
    with pytest.raises(traitlets.TraitError, match="labels="):
        g.misclassified = True
    with pytest.raises(traitlets.TraitError, match="labels="):
        g.sort_by = "loss"
    g.sort_by = "confidence"
    g.predicted_class = 1
    assert g.n_shown == int((_probs(model, x).argmax(1) == 1).sum())


def test_open_back_cycle_closes_each_view(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y, class_names=list("abcde"), n_steps=7, page_size=12)
    g = b.gallery
    g.sort_by = "confidence"
    g.page = 2
    first = int(g.page_indices[3])
    g.opened = first  # a click on a card
    w1 = b.detail
    assert w1 is not None and b._detail_box.children == (w1,)
    r = w1.wait(60)
    assert r.settings["n_steps"] == 7  # IGWidget arguments pass through
    torch.testing.assert_close(
        r.attributions, _ig(model, x[first], r.settings["target"], w1), rtol=1e-5, atol=1e-6
    )
    assert w1.top_classes[0]["label"] in "abcde"
    assert w1.target == int(g.scores.predicted[first])
    w1.n_steps = 9
    assert w1.wait(60).settings["n_steps"] == 9
    second = int(g.page_indices[4])
    g.opened = second  # open another without going back
    assert w1._runner is None or w1.comm is None
    w2 = b.detail
    assert w2 is not w1 and w2.wait(60) is not None
    assert len(_workers()) == 1
    b.back()
    assert b.detail is None and b._detail_box.children == ()
    assert g.page == 2 and g.sort_by == "confidence" and int(g.page_indices[3]) == first
    for _ in range(100):
        if not _workers():
            break
        threading.Event().wait(0.05)
    assert _workers() == []


def _ig(model, x, target, w):
    """The single view's attribution, computed directly with the engine."""
    base = torch.zeros_like(x)[None]
    return IntegratedGradients(model).attribute(
        x[None], baselines=base, target=target, n_steps=w.n_steps, method=w.method
    )[0]


def test_open_rejects_bad_indices_and_reports_failures(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y, attr_thumbnails=False, baselines={"bad": torch.zeros(3)})
    with pytest.raises(traitlets.TraitError, match="not an example"):
        b.gallery.opened = 200
    with pytest.raises(RuntimeError, match="could not be opened"):
        b.open_example(0)  # the baseline's shape does not fit the image
    assert b.gallery.opened == -1 and b.detail is None


def test_background_thumbnails_are_cancelled_when_the_page_changes(images, browsers):
    model, x, y = images
    model.delay = 0.15  # each chunk of 8 examples takes at least this long
    b = browsers(model, x, labels=y, page_size=48)
    g = b.gallery
    first = g._thumb_generation
    page0 = set(g.page_indices.tolist())
    g.page = 1
    second = g._thumb_generation
    assert g.thumbs.wait_idle(60)
    assert g.thumbs.done.get(first, 0) < 48  # page 0 stopped part way
    assert g.thumbs.done[second] == 48
    page1 = g.page_indices.tolist()
    assert set(map(int, g._attr_thumbs)) == set(page1)  # only what is on screen
    assert not page0 & set(page1)
    # a thumbnail is the normalised, shrunk IG of the predicted class (zero baseline)
    i = page1[0]
    rec = g._attr_thumbs[str(i)]
    got = np.frombuffer(rec["data"], dtype=np.float32).reshape(rec["shape"])
    attr = IntegratedGradients(model).attribute(
        x[i : i + 1],
        baselines=torch.zeros_like(x[i : i + 1]),
        target=int(g.scores.predicted[i]),
        n_steps=16,
    )
    want = attr.sum(1)[0].double()
    want = (want / want.abs().max()).float().numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert np.abs(got).max() == pytest.approx(1.0)
    # back to page 1's thumbnails: cached, nothing recomputed
    g.page = 0
    g.page = 1
    assert g.thumbs.wait_idle(60)
    assert g.thumbs.done.get(g._thumb_generation, 0) == 0
    assert len(g._attr_thumbs) == 48


def test_opening_pauses_thumbnails(images, browsers):
    model, x, y = images
    model.delay = 0.1
    b = browsers(model, x, labels=y, page_size=48)
    g = b.gallery
    gen = g._thumb_generation
    b.open_example(int(g.page_indices[0]))
    assert g.thumbs.wait_idle(0)  # stopped before the view was built
    assert g.thumbs.done.get(gen, 0) < 48 and g._attr_thumbs == {}
    b.back()
    assert g.thumbs.wait_idle(60)
    assert set(map(int, g._attr_thumbs)) == set(g.page_indices.tolist())


def test_a_torch_dataset_and_a_dataloader(images, browsers):
    model, x, y = images
    ds = torch.utils.data.TensorDataset(x, y)
    b1 = browsers(model, ds, attr_thumbnails=False)
    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=False)
    b2 = browsers(model, loader, attr_thumbnails=False)
    for b in (b1, b2):
        assert b.gallery.has_labels and b.gallery.n_examples == 200
        np.testing.assert_array_equal(b.source.labels, y.numpy())
        assert b.gallery.confusion == b1.gallery.confusion
    b2.gallery.page = 3
    assert [c["index"] for c in b2.gallery._items] == list(range(144, 192))
    w = b2.open_example(150)
    assert w.wait(60).attributions.shape == x[150].shape


def test_text_rows_with_a_vocabulary_and_padding(browsers):
    model = TextNet()
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(1, 20, (30, 7), generator=g)
    ids[:, 5:] = 0  # padding
    vocab = ["<pad>"] + [f"w{i}<b>" for i in range(1, 20)]
    b = browsers(model, ids, labels=torch.zeros(30, dtype=torch.long), tokens=vocab, pad_token_id=0)
    gal = b.gallery
    assert gal.modality == "text"
    card = gal._items[0]
    assert card["tokens"] == [vocab[i] for i in ids[0, :5].tolist()]
    assert gal.thumbs.wait_idle(60)
    rec = gal._attr_thumbs[str(card["index"])]
    assert rec["shape"] == [5]  # one value per token shown, padding left out
    w = b.open_example(0)
    assert w.wait(60) is not None
    assert w._payload["tokens"] == [vocab[i] for i in ids[0].tolist()]


def test_a_dataframe_with_a_label_column_and_hf_style_outputs(browsers):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(size=(40, 6)), columns=[f"f{i}<i>" for i in range(6)])
    frame["target"] = rng.integers(0, 2, 40)
    model = TabularHF()
    b = browsers(model, frame, labels="target", class_names=["no", "yes"])
    g = b.gallery
    assert g.modality == "tabular" and g.n_examples == 40
    assert b.source.feature_names == [f"f{i}<i>" for i in range(6)]
    card = g._items[0]
    assert card["cells"][0] == ["f0<i>", f"{frame.iloc[0, 0]:.3g}"]
    x = torch.tensor(frame.drop(columns="target").to_numpy(), dtype=torch.float32)
    np.testing.assert_allclose(g.scores.probs, _probs(model, x), rtol=1e-6)
    assert g.thumbs.wait_idle(60)
    assert g._attr_thumbs[str(card["index"])]["shape"] == [6]
    w = b.open_example(3)
    assert w.wait(60) is not None
    assert w._payload["names"] == b.source.feature_names


def test_ten_thousand_examples_send_one_page(browsers):
    model = ImageNet()
    x = torch.rand(10_000, 1, 8, 8, generator=torch.Generator().manual_seed(3))
    y = torch.randint(0, 5, (10_000,), generator=torch.Generator().manual_seed(4))
    b = browsers(model, x, labels=y, attr_thumbnails=False)
    g = b.gallery
    assert g.n_examples == 10_000 and len(g._items) == 48 and g.n_pages == 209
    sent = sum(len(c["thumb"]["data"]) for c in g._items)
    assert sent == 48 * 8 * 8 * 4  # one page of thumbnails, not the set
    g.sort_by, g.descending = "loss", True
    assert g._items[0]["loss"] == pytest.approx(float(g.scores.loss.max()))


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "match"),
    [
        ("not data", {}, TypeError, "dataset must be"),
        (torch.rand(0, 1, 8, 8), {}, ValueError, "N >= 1"),
        (torch.rand(10, 1, 8, 8), {"labels": [0, 1]}, ValueError, "one class index per example"),
        (torch.rand(10, 1, 8, 8), {"labels": "target"}, TypeError, "DataFrame"),
        (torch.rand(10, 1, 8, 8), {"additional_forward_args": (1,)}, ValueError, "wrap the model"),
        (torch.rand(10, 1, 8, 8), {"target": 1}, TypeError, "per example"),
    ],
)
def test_bad_arguments_say_what_to_do(data, kwargs, error, match):
    from ig_widget import IGBrowser

    with pytest.raises(error, match=match):
        IGBrowser(ImageNet(), data, **kwargs)


def test_a_model_without_class_scores_fails_in_the_widget(browsers):
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 1)).eval()
    b = browsers(model, torch.rand(10, 1, 8, 8), wait=False)
    with pytest.raises(RuntimeError, match="at least 2 classes"):
        b.wait(60)
    assert b.gallery.status == "error" and "n_classes" in b.gallery.error


def test_a_dataframe_row_opens_with_its_feature_names(browsers):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(30, 4)), columns=["age", "<b>bmi</b>", "bp", "s1"])
    torch.manual_seed(6)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3)).eval()
    b = browsers(model, frame, labels=rng.integers(0, 3, 30), background=torch.zeros(5, 4))
    w = b.open_example(7)
    r = w.wait(60)
    assert w._payload["names"] == ["age", "<b>bmi</b>", "bp", "s1"]
    x = torch.tensor(frame.to_numpy(), dtype=torch.float32)[7]
    assert w.baseline_options[-1] == "background mean"  # IGWidget kwargs pass through
    with torch.no_grad():
        want = float(model(x[None])[0, r.settings["target"]])
    assert r.output == pytest.approx(want, abs=1e-5)  # the view explains row 7


def test_progress_is_reported_while_predicting(images, browsers):
    model, x, y = images
    model.delay = 0.03  # 20 batches of 10: about 0.6 s in all
    seen: list[float] = []
    b = browsers(model, x, labels=y, batch_size=10, attr_thumbnails=False, wait=False)
    b.gallery.observe(lambda c: seen.append(c["new"]), "progress")
    statuses = [b.gallery.status]
    b.wait(60)
    statuses.append(b.gallery.status)
    assert statuses == ["predicting", "ready"]
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert any(0 < p < 1 for p in seen), seen  # the bar moved before the end


def test_close_ends_every_part(images, browsers):
    model, x, y = images
    b = browsers(model, x, labels=y)
    b.open_example(0)
    parts = [b, b.gallery, b._detail_box, b.detail]
    b.close()
    assert all(p.comm is None for p in parts)
    assert b.detail is None

"""IGBrowser over a results directory of ``attribute_dataset``: thumbnails from the stored
attributions (no Integrated Gradients run), labels and inputs from the store, and the
single view opened with the run's settings. ``StoredResults`` follows the reader's
documented interface (``len``, ``r[i]``, ``r[a:b]``, ``r.column``, ``r.settings``); the
last test uses the real writer and reader when this tree has them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ig_widget.browser.attr_thumbs import reduce_attributions
from ig_widget.engine import IntegratedGradients


class StoredResults:
    def __init__(self, x, y, attributions, settings, store_inputs=True):
        self.x, self.y, self.attr = x, y, attributions
        self.settings = settings
        self.store_inputs = store_inputs

    def __len__(self):
        return len(self.x)

    def column(self, name):
        return self.y.clone() if name == "label" else None

    def __getitem__(self, key):
        if isinstance(key, slice):
            rows = range(*key.indices(len(self)))
            return {
                "index": torch.tensor(list(rows)),
                "input": self.x[key] if self.store_inputs else None,
                "attributions": self.attr[key],
                "label": self.y[key],
            }
        return {
            "index": key,
            "input": self.x[key] if self.store_inputs else None,
            "attributions": self.attr[key],
            "label": int(self.y[key]),
        }


def _stored(model, x, y, n_steps=12):
    with torch.no_grad():
        predicted = model(x).argmax(1)
    attr = IntegratedGradients(model).attribute(
        x, baselines=torch.zeros_like(x), target=predicted, n_steps=n_steps
    )
    settings = {"n_steps": n_steps, "method": "gausslegendre", "target": "predicted"}
    return StoredResults(x, y, attr.detach(), settings)


def test_thumbnails_come_from_the_store_without_new_attributions(images, browsers):
    model, x, y = images
    results = _stored(model, x, y)
    model.calls = 0
    b = browsers(model, results, batch_size=100)
    g = b.gallery
    assert g.thumbs.wait_idle(60)
    assert model.calls == 2  # the prediction pass only: 200 examples in batches of 100
    assert g.has_labels and g.confusion and "stored results" in g.thumb_note
    i = int(g.page_indices[5])
    rec = g._attr_thumbs[str(i)]
    got = np.frombuffer(rec["data"], dtype=np.float32).reshape(rec["shape"])
    np.testing.assert_array_equal(got, reduce_attributions("image", results.attr[i : i + 1])[0])
    w = b.open_example(i)
    assert w.n_steps == 12  # the run's settings
    assert w.wait(60).settings["n_steps"] == 12


def test_results_without_inputs_are_refused(images):
    from ig_widget import IGBrowser

    model, x, y = images
    results = _stored(model, x[:10], y[:10])
    results.store_inputs = False
    with pytest.raises(ValueError, match="store_inputs=True"):
        IGBrowser(model, results)


def test_a_real_results_directory(images, browsers, tmp_path):
    dataset = pytest.importorskip("ig_widget.dataset")
    if not hasattr(dataset, "attribute_dataset"):
        pytest.skip("ig_widget.dataset has no attribute_dataset in this tree")
    model, x, y = images
    out = tmp_path / "run"
    dataset.attribute_dataset(model, (x, y), n_steps=10, out=out, progress=False)
    b = browsers(model, str(out))
    g = b.gallery
    assert g.n_examples == 200 and g.has_labels
    assert g.thumbs.wait_idle(60)
    r = dataset.open_results(out)
    i = int(g.page_indices[0])
    rec = g._attr_thumbs[str(i)]
    got = np.frombuffer(rec["data"], dtype=np.float32).reshape(rec["shape"])
    want = reduce_attributions("image", r[i]["attributions"][None])[0]
    np.testing.assert_array_equal(got, want)
    assert b.open_example(i).n_steps == 10

"""Data as people hold it (pandas rows, numpy arrays, float64 for a float32 model),
bfloat16/float16 models in every modality, and the score shown next to each class
(softmax, sigmoid or the value itself)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from .hf_fixtures import bert_classifier, vit_classifier, wordpiece_tokenizer

pd = pytest.importorskip("pandas")


def _mlp(n_in: int = 4, n_out: int = 3, dtype=torch.float32) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(n_in, 8), nn.Tanh(), nn.Linear(8, n_out)).to(dtype).eval()


COLUMNS = ["age", "income", "height", "weight"]


def test_pandas_series_names_the_features_and_is_cast_with_a_note(make):
    row = pd.Series([0.5, -1.0, 2.0, 0.25], index=COLUMNS)  # float64
    model = _mlp()
    w = make(model, row)
    r = w.wait(60)
    assert w.modality == "tabular" and w._explainer.names == COLUMNS
    assert w._explainer.x.dtype == torch.float32
    assert "float64" in w.warning and "cast" in w.warning
    x = torch.tensor(row.to_numpy(), dtype=torch.float32)
    with torch.no_grad():
        assert r.output == pytest.approx(float(model(x[None])[0, w.target]), rel=1e-5)
    assert abs(r.delta) < 1e-2 * abs(r.output - r.baseline_output)


def test_one_row_dataframe_and_background_dataframe(make):
    frame = pd.DataFrame([[0.5, -1.0, 2.0, 0.25]], columns=COLUMNS)
    background = pd.DataFrame(np.arange(12.0).reshape(3, 4), columns=COLUMNS)
    w = make(_mlp(), frame, background=background)
    assert w._explainer.names == COLUMNS
    assert "background mean" in w.baseline_options
    torch.testing.assert_close(
        w._explainer.baseline("background mean")[0], torch.tensor([4.0, 5.0, 6.0, 7.0])
    )


def test_many_row_dataframe_and_bad_background_name_the_argument(make):
    frame = pd.DataFrame(np.zeros((3, 4)), columns=COLUMNS)
    with pytest.raises(ValueError, match=r"x is a DataFrame with 3 rows.*iloc"):
        make(_mlp(), frame)
    with pytest.raises(TypeError, match="background"):
        make(_mlp(), np.zeros(4, np.float32), background=["a", "b"])
    with pytest.raises(TypeError, match="background holds columns that are not numbers"):
        make(_mlp(), np.zeros(4, np.float32), background=pd.DataFrame({"a": ["x", "y"]}))


def test_numpy_float64_row(make):
    w = make(_mlp(), np.array([0.5, -1.0, 2.0, 0.25]))
    assert w.modality == "tabular" and w._explainer.x.dtype == torch.float32
    w.wait(60)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_tabular(make, dtype):
    w = make(_mlp(dtype=dtype), torch.tensor([0.5, -1.0, 2.0, 0.25]))
    r = w.wait(60)
    assert w.status == "idle" and torch.isfinite(r.attributions).all()
    assert np.isfinite(w._payload["readout"]["sum"])


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_text(make, dtype):
    tok = wordpiece_tokenizer()
    model = bert_classifier().to(dtype)
    w = make(model, "the movie was not good", tokenizer=tok)
    r = w.wait(60)
    assert w.status == "idle", w.error
    assert torch.isfinite(r.attributions.float()).all()


def test_bfloat16_image(make):
    model = vit_classifier().to(torch.bfloat16)
    torch.manual_seed(0)
    w = make(model, torch.randn(3, 32, 32))
    w.wait(60)
    assert w.status == "idle", w.error


def test_sigmoid_for_multi_label_and_override(make):
    tok = wordpiece_tokenizer()
    model = bert_classifier(problem_type="multi_label_classification")
    w = make(model, "the movie was not good", tokenizer=tok)
    logits = w._explainer.logits
    assert all(c["activation"] == "sigmoid" for c in w.top_classes)
    for c in w.top_classes:
        assert c["prob"] == pytest.approx(float(torch.sigmoid(logits[c["index"]])))
    w2 = make(model, "the movie was not good", tokenizer=tok, output_activation="none")
    for c in w2.top_classes:
        assert c["prob"] == pytest.approx(float(logits[c["index"]]))
    with pytest.raises(ValueError, match="output_activation='tanh'"):
        make(model, "the movie was not good", tokenizer=tok, output_activation="tanh")


def test_softmax_for_several_logits(make):
    model = _mlp()
    x = torch.tensor([0.5, -1.0, 2.0, 0.25])
    w = make(model, x)
    with torch.no_grad():
        p = torch.softmax(model(x[None])[0].double(), 0)
    assert sum(c["prob"] for c in w.top_classes) == pytest.approx(float(p.sum()))
    assert w.top_classes[0]["activation"] == "softmax"

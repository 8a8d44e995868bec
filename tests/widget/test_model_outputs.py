"""Models that return a Hugging Face ``ModelOutput``, an object with ``.logits`` or a dict
with ``"logits"``: the widget predicts and attributes their logits."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients, LayerIntegratedGradients

TIMEOUT = 30


class WithLogits:
    def __init__(self, logits: torch.Tensor) -> None:
        self.logits = logits
        self.hidden = logits * 0  # something else the explainer must not pick


class Wrapped(nn.Module):
    """``inner``'s output wrapped as ``kind``: "object" (``.logits``) or "dict"."""

    def __init__(self, inner: nn.Module, kind: str) -> None:
        super().__init__()
        self.inner, self.kind = inner, kind

    def forward(self, x: torch.Tensor):
        out = self.inner(x)
        return WithLogits(out) if self.kind == "object" else {"hidden": x, "logits": out}


@pytest.mark.parametrize("kind", ["object", "dict"])
def test_tabular_and_image_models_with_logits(make, mlp, row, cnn, image, kind):
    for inner, x in ((mlp, row), (cnn, image)):
        model = Wrapped(inner, kind)
        w = make(model, x)
        with torch.no_grad():
            logits = inner(x[None])[0].double()
        probs = torch.softmax(logits, 0)
        assert w.target == int(probs.argmax())
        assert w.top_classes[0]["prob"] == pytest.approx(float(probs.max()), rel=1e-6)
        res = w.wait(TIMEOUT)
        ref = IntegratedGradients(inner).attribute_detailed(x[None], target=w.target, n_steps=50)
        assert torch.equal(res.attributions, ref.attributions[0][0])
        assert res.output == pytest.approx(float(logits[w.target]), rel=1e-6)


def _tiny_bert():
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(5)
    config = transformers.BertConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        vocab_size=100,
        num_labels=3,
    )
    return transformers.BertForSequenceClassification(config).double().eval()


@pytest.mark.parametrize("where", ["default", "embeddings"])
def test_hugging_face_text_model(make, where):
    model = _tiny_bert()
    ids = torch.tensor([2, 17, 43, 8, 3])
    # default: the first nn.Embedding (word embeddings); or the whole embeddings block
    # (word + position + token type embeddings, layer norm)
    layer = model.bert.embeddings if where == "embeddings" else None
    w = make(model, ids, pad_token_id=0, layer=layer)
    # BERT's pad embedding is zero (padding_idx): "pad" alone, not two equal choices
    want = ["pad"] if where == "default" else ["pad", "zero embedding"]
    assert w.modality == "text" and w.baseline_options == want
    with torch.no_grad():
        logits = model(ids[None]).logits[0]
    assert w.target == int(logits.argmax())
    res = w.wait(TIMEOUT)
    assert res.attributions.shape == (5, 32)  # the word embeddings, one row per token
    # the widget's numbers are LayerIntegratedGradients' on the same layer and baseline
    lig = LayerIntegratedGradients(model, layer or model.bert.embeddings.word_embeddings)
    ref = lig.attribute_detailed(
        ids[None], baselines=torch.zeros_like(ids)[None], target=w.target, n_steps=50
    )
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert res.output == pytest.approx(float(logits[w.target]), rel=1e-12)
    assert abs(res.delta) < 1e-3 * abs(res.output - res.baseline_output)


def test_text_attributions_equal_layer_integrated_gradients(make, text_model, ids):
    """One implementation: the widget's text numbers are the class's, bit for bit."""
    w = make(text_model, ids, baselines={"unk": torch.full_like(ids, 4)}, n_steps=24)
    res = w.wait(TIMEOUT)
    lig = LayerIntegratedGradients(text_model, text_model.emb)
    ref = lig.attribute(
        ids[None], baselines=torch.full_like(ids, 4)[None], target=w.target, n_steps=24
    )
    assert torch.equal(res.attributions, ref[0])

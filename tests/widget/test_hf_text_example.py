"""The text notebook's models (example_notebooks/text_models.py) tell the story the
notebook tells: the classifier learned negation and "not" carries the negative call;
the language model predicts " paris" and "france" separates it from " rome"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"


@pytest.fixture(scope="module")
def text_models():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import text_models
    finally:
        sys.path.remove(str(EXAMPLES))
    return text_models


def _by_token(w, r):
    pairs = zip(w._explainer.tokens, r.token_attributions, strict=True)
    return {t.lstrip("\u0120"): float(v) for t, v in pairs}


def test_negation_flips_the_classifier_and_not_carries_it(make, text_models):
    model, tok = text_models.sentiment_classifier()

    def positive(text):
        with torch.no_grad():
            return float(torch.softmax(model(**tok(text, return_tensors="pt")).logits[0], 0)[1])

    assert positive("the movie was good") > 0.9
    assert positive("the movie was not good") < 0.1
    assert positive("the food was not bad") > 0.9
    w = make(model, "the movie was not good", tokenizer=tok)
    assert w.top_classes[0]["label"] == "negative"
    r = w.wait(120)
    attr = _by_token(w, r)
    assert max(attr, key=attr.get) == "not"
    assert abs(r.delta) <= 0.01 * abs(r.output - r.baseline_output)


def test_language_model_predicts_paris_and_france_decides_it(make, text_models):
    lm, tok = text_models.capitals_lm()
    # the trained model is sharper than the random test models: 50 steps leave a delta
    # of about 1.4% here, 200 bring it under 1%
    w = make(lm, "the capital of france is", tokenizer=tok, n_steps=200)
    assert w.top_classes[0]["label"] == " paris"
    r = w.wait(120)
    assert abs(r.delta) <= 0.01 * abs(r.output - r.baseline_output)
    paris = _by_token(w, r)
    w.target = tok.convert_tokens_to_ids("\u0120rome")
    rome = _by_token(w, w.wait(120))
    assert paris["france"] > 0 > rome["france"]
    assert min(rome, key=rome.get) == "france"

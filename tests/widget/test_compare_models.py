"""A second model in one widget: ``compare_model=`` and the ``model_choice`` setting."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import traitlets
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget._serialize import decode_array

from .conftest import MLP, TextModel

TIMEOUT = 20


def other_mlp() -> MLP:
    """The same architecture with other weights (another checkpoint)."""
    m = MLP()
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(-0.7).add_(0.05)
    return m


def engine(model, x, target, n_steps=50):
    return IntegratedGradients(model).attribute_detailed(x[None], target=target, n_steps=n_steps)


def test_compare_model_gives_that_models_numbers(make, mlp, row):
    other = other_mlp()
    w = make(mlp, row, compare_model=other)
    main = w.wait(TIMEOUT)
    assert w.model_labels == {"main": "MLP", "compare": "MLP (compare)"}
    assert main.settings["model"] == "MLP" and w._payload["readout"]["model"] == "MLP"
    target = w.target
    w.model_choice = "compare"
    res = w.wait(TIMEOUT)
    ref = engine(other, row, target)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    with torch.no_grad():
        assert res.output == pytest.approx(float(other(row[None])[0, target]), rel=1e-12)
    assert res.settings["model"] == "MLP (compare)"
    assert w._payload["readout"]["model"] == "MLP (compare)"
    assert not torch.equal(res.attributions, main.attributions)  # really the other model
    with torch.no_grad():  # the target picker lists the chosen model's predictions
        order = torch.argsort(other(row[None])[0], descending=True).tolist()
    assert [c["index"] for c in w.top_classes] == order == [1, 0, 2]  # main: [1, 2, 0]
    # back to the first model: from the cache, labelled again with its own name
    ran = w._runner.computations
    w.model_choice = "main"
    back = w.wait(TIMEOUT)
    assert w._runner.computations == ran
    assert torch.equal(back.attributions, main.attributions)
    assert w._payload["readout"]["model"] == "MLP"


class Wide(MLP):
    pass


def test_the_saved_result_names_the_model_explained(make, mlp, row, tmp_path):
    w = make(mlp, row, compare_model=Wide())
    w.wait(TIMEOUT)
    assert w.model_name == "MLP"
    w.model_choice = "compare"
    w.wait(TIMEOUT)
    assert w.model_name == "Wide"
    json_file = next(p for p in w.save(tmp_path / "r.json") if p.suffix == ".json")
    assert '"model": "Wide"' in json_file.read_text()


def test_label_pair_and_every_setting_applies_to_the_chosen_model(make, mlp, row):
    other = other_mlp()
    w = make(mlp, row, compare_model=("fine-tuned", other), n_steps=12)
    w.wait(TIMEOUT)
    assert w.model_labels["compare"] == "fine-tuned"
    with w.hold_trait_notifications():
        w.model_choice = "compare"
        w.method = "riemann_trapezoid"
        w.baseline = "zeros"
    res = w.wait(TIMEOUT)
    ref = IntegratedGradients(other).attribute(
        row[None], target=w.target, n_steps=12, method="riemann_trapezoid"
    )
    torch.testing.assert_close(res.attributions, ref[0], rtol=1e-12, atol=1e-12)
    assert res.settings["method"] == "riemann_trapezoid" and res.settings["model"] == "fine-tuned"


def test_pins_hold_both_models_and_survive_in_the_saved_state(make, mlp, row):
    w = make(mlp, row, compare_model=("B", other_mlp()))
    first = w.wait(TIMEOUT)
    pin = w.compare_models()  # pin on the main model, switch to the other
    assert pin["readout"]["model"] == "MLP" and w.model_choice == "compare"
    second = w.wait(TIMEOUT)
    w._handle_custom_msg({"type": "compare_models"}, [])  # the button: pin B, back to main
    assert w.model_choice == "main"
    assert [p["readout"]["model"] for p in w.pins] == ["MLP", "B"]
    np.testing.assert_allclose(decode_array(w.pins[0]["attr"]), first.attributions.numpy())
    np.testing.assert_allclose(decode_array(w.pins[1]["attr"]), second.attributions.numpy())
    # what a saved notebook keeps: the widget's state holds the pins with their models
    state = w.get_state()
    assert [p["readout"]["model"] for p in state["pins"]] == ["MLP", "B"]
    assert state["model_labels"] == {"main": "MLP", "compare": "B"}


def test_scrub_and_convergence_use_the_chosen_model(make, mlp, row):
    other = other_mlp()
    w = make(mlp, row, compare_model=other)
    w.wait(TIMEOUT)
    w.model_choice = "compare"
    w.wait(TIMEOUT)
    point = w.scrub(1.0)
    with torch.no_grad():
        assert point["output"] == pytest.approx(float(other(row[None])[0, w.target]), rel=1e-9)
    assert point["model"] == "MLP (compare)"
    fig = w.convergence_curve()
    assert fig["model"] == "MLP (compare)"
    assert fig["output"] == pytest.approx(point["output"], rel=1e-9)


def test_text_models_with_other_embedding_sizes(make, text_model, ids):
    wide = TextModel(dim=9)
    w = make(text_model, ids, compare_model=("wide", wide))
    narrow = w.wait(TIMEOUT)
    w.model_choice = "compare"
    res = w.wait(TIMEOUT)
    assert res.attributions.shape == (5, 9) and narrow.attributions.shape == (5, 6)
    assert res.token_attributions.shape == narrow.token_attributions.shape == (5,)
    assert w._payload["readout"]["model"] == "wide"


class ThreeOutputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(5, 4).double()

    def forward(self, x):
        return self.lin(x)


def test_bad_compare_models_say_what_to_fix(make, mlp, row, text_model, ids):
    with pytest.raises(
        ValueError, match="compare_model.s number of outputs on x is 4 but model.s is 3"
    ):
        make(mlp, row, compare_model=ThreeOutputs())
    with pytest.raises(ValueError, match="same object as model"):
        make(mlp, row, compare_model=mlp)
    with pytest.raises(TypeError, match=r"\(label, model\) pair"):
        make(mlp, row, compare_model=(other_mlp(), "B"))
    with pytest.raises(TypeError, match="^compare_model: model must be callable"):
        make(mlp, row, compare_model=("B", 3))
    with pytest.raises(ValueError, match="drop layer="):
        make(text_model, ids, layer=text_model.emb, compare_model=TextModel(dim=9))
    w = make(mlp, row)
    w.wait(TIMEOUT)
    assert w.model_labels == {}
    with pytest.raises(traitlets.TraitError, match="compare_model=other"):
        w.model_choice = "compare"
    with pytest.raises(ValueError, match="needs a second model"):
        w.compare_models()
    w._handle_custom_msg({"type": "compare_models"}, [])  # from the page: a message
    assert "needs a second model" in w.error and w.pins == []
    w2 = make(mlp, row, compare_model=other_mlp())
    with pytest.raises(traitlets.TraitError, match="not offered"):
        w2.model_choice = "third"


def test_without_compare_model_the_readout_names_no_model(make, mlp, row):
    w = make(mlp, row)
    res = w.wait(TIMEOUT)
    assert "model" not in res.settings and "model" not in w._payload["readout"]
    assert "model" not in w.scrub(0.5) and "model" not in w.convergence_curve()


def test_two_hugging_face_architectures_on_one_text(make):
    pytest.importorskip("transformers")
    from .hf_fixtures import bert_classifier, distilbert_classifier, wordpiece_tokenizer

    tok, text = wordpiece_tokenizer(), "the movie was not good"
    bert, distil = bert_classifier(num_labels=2), distilbert_classifier()
    w = make(bert, text, tokenizer=tok, compare_model=distil, n_steps=16)
    w.wait(TIMEOUT)
    assert w.model_labels == {
        "main": "BertForSequenceClassification",
        "compare": "DistilBertForSequenceClassification",
    }
    w.model_choice = "compare"
    res = w.wait(TIMEOUT)
    alone = make(distil, text, tokenizer=tok, n_steps=16, target=w.target).wait(TIMEOUT)
    torch.testing.assert_close(res.token_attributions, alone.token_attributions)
    assert w._payload["tokens"] == ["[CLS]", "the", "movie", "was", "not", "good", "[SEP]"]

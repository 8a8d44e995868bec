"""Token ids attributed at the embedding layer, Hugging Face models (dict examples,
``.logits`` outputs) and a model dispatched with accelerate's hooks."""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import Dataset

import ig_widget
from ig_widget import IntegratedGradients
from ig_widget.engine.layer import embedding_forward

transformers = pytest.importorskip("transformers")

VOCAB, LENGTH, N = 40, 7, 11


def tiny_bert():
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=VOCAB,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
        num_labels=3,
        attn_implementation="eager",
    )
    return transformers.BertForSequenceClassification(config).double().eval()


class Encoded(Dataset):
    """What a tokenised Hugging Face data set gives: a dict per example, padded."""

    def __init__(self) -> None:
        g = torch.Generator().manual_seed(2)
        self.ids = torch.randint(1, VOCAB, (N, LENGTH), generator=g)
        self.lengths = torch.randint(3, LENGTH + 1, (N,), generator=g)
        self.mask = (torch.arange(LENGTH) < self.lengths[:, None]).long()
        self.ids = self.ids * self.mask
        self.labels = torch.randint(0, 3, (N,), generator=g)

    def __len__(self) -> int:
        return N

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"input_ids": self.ids[i], "attention_mask": self.mask[i], "labels": self.labels[i]}


def reference(model, ds, layer, targets, n_steps):
    """The engine at the embedding layer, one example at a time."""
    rows = []
    for i in range(len(ds)):
        ids, mask = ds.ids[i : i + 1], ds.mask[i : i + 1]
        emb, f = embedding_forward(
            lambda a, m: model(input_ids=a, attention_mask=m).logits, layer, ids, mask
        )
        res = IntegratedGradients(f).attribute_detailed(
            emb, target=int(targets[i]), additional_forward_args=(mask,), n_steps=n_steps
        )
        rows.append(res)
    return rows


def check(r, rows, ds):
    assert len(r) == len(rows)
    for i, res in enumerate(rows):
        rec = r[i]
        torch.testing.assert_close(
            rec["attributions"], res.attributions[0][0], rtol=1e-9, atol=1e-11
        )
        assert rec["delta"] == pytest.approx(res.delta.item(), rel=1e-7, abs=1e-9)
        assert rec["output"] == pytest.approx(res.output.item(), rel=1e-9)
        assert torch.equal(rec["input"], ds.ids[i])
        assert rec["label"] == int(ds.labels[i])


def test_hugging_face_dict_examples_at_the_embedding_layer(tmp_path):
    model, ds = tiny_bert(), Encoded()
    name = "bert.embeddings.word_embeddings"
    r = ig_widget.attribute_dataset(
        model,
        ds,
        target="label",
        n_steps=10,
        out=tmp_path,
        layer=name,
        batch_size=4,
        progress=False,
    )
    assert r[0]["attributions"].shape == (LENGTH, 16)
    assert torch.equal(r[3]["extra"]["attention_mask"], ds.mask[3])
    assert torch.equal(r[2:5]["extra"]["attention_mask"], ds.mask[2:5])
    assert r.settings["layer"] == name and r.settings["input_key"] == "input_ids"
    check(r, reference(model, ds, model.get_submodule(name), ds.labels, 10), ds)
    with torch.no_grad():
        pred = model(input_ids=ds.ids, attention_mask=ds.mask).logits.argmax(1)
    assert torch.equal(r.column("predicted"), pred)


def test_token_id_pairs_with_a_layer_module(tmp_path):
    torch.manual_seed(1)

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(VOCAB, 8)
            self.head = torch.nn.Linear(8, 2)

        def forward(self, ids):
            return self.head(torch.tanh(self.emb(ids)).mean(1))

    model = Classifier().double().eval()
    ids = torch.randint(0, VOCAB, (9, 5))
    r = ig_widget.attribute_dataset(
        model,
        (ids, torch.zeros(9, dtype=torch.long)),
        target=1,
        layer=model.emb,
        n_steps=8,
        out=tmp_path,
        batch_size=4,
        progress=False,
    )
    for i in range(9):
        emb, f = embedding_forward(model, model.emb, ids[i : i + 1])
        ref = IntegratedGradients(f).attribute_detailed(emb, target=1, n_steps=8)
        torch.testing.assert_close(
            r[i]["attributions"], ref.attributions[0][0], rtol=1e-9, atol=1e-11
        )


def test_model_dispatched_with_accelerate(tmp_path):
    accelerate = pytest.importorskip("accelerate")
    plain, ds = tiny_bert(), Encoded()
    dispatched = tiny_bert()
    device_map = {
        "bert.embeddings": "cpu",
        "bert.encoder": "cpu",
        "bert.pooler": "cpu",
        "dropout": "cpu",
        "classifier": "cpu",
    }
    dispatched = accelerate.dispatch_model(dispatched, device_map=device_map, force_hooks=True)
    assert hasattr(dispatched.bert.encoder, "_hf_hook")  # the hooks are really there
    name = "bert.embeddings.word_embeddings"
    r = ig_widget.attribute_dataset(
        dispatched, ds, n_steps=10, out=tmp_path, layer=name, batch_size=3, progress=False
    )
    with torch.no_grad():
        pred = plain(input_ids=ds.ids, attention_mask=ds.mask).logits.argmax(1)
    check(r, reference(plain, ds, plain.get_submodule(name), pred, 10), ds)

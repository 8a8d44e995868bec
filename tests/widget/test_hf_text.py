"""Hugging Face text models with no wrapper: a string and a tokenizer, a BatchEncoding
(every entry by keyword), id2label, causal language models (the next token), the text
baselines with special tokens kept. Models and tokenizers are built in code."""

from __future__ import annotations

import pytest
import torch

from .hf_fixtures import (
    bert_classifier,
    bpe_tokenizer,
    distilbert_classifier,
    gpt2_lm,
    roberta_classifier,
    wordpiece_tokenizer,
)

captum_attr = pytest.importorskip("captum.attr")

TEXT = "the movie was not good"


def _complete(r, rel=0.01):
    gap = r.output - r.baseline_output
    assert abs(r.delta) <= rel * max(abs(gap), 1e-6), (r.delta, gap)


def test_string_with_tokenizer_matches_captum_with_the_attention_mask(make):
    tok, model = wordpiece_tokenizer(), bert_classifier()
    w = make(model, TEXT, tokenizer=tok)
    r = w.wait(60)
    enc = tok(TEXT, return_tensors="pt")
    assert w._explainer.tokens == tok.convert_ids_to_tokens(enc["input_ids"][0])
    assert w._explainer.extra_names == [k for k in enc if k != "input_ids"]
    assert w._explainer.layer is model.get_input_embeddings()
    # the oracle: captum's LayerIntegratedGradients on the hand-written wrapper
    ids = enc["input_ids"]
    kw = {k: v for k, v in enc.items() if k != "input_ids"}
    names = list(kw)

    def fwd(i, *rest):
        return model(i, **dict(zip(names, rest, strict=True))).logits

    special = torch.isin(ids, torch.tensor(tok.all_special_ids))
    base = torch.where(special, ids, torch.full_like(ids, tok.pad_token_id))
    assert w.baseline == "pad"
    lig = captum_attr.LayerIntegratedGradients(fwd, model.get_input_embeddings())
    want = lig.attribute(
        ids,
        base,
        target=w.target,
        additional_forward_args=tuple(kw.values()),
        n_steps=50,
        method="gausslegendre",
    )
    torch.testing.assert_close(
        r.attributions, want[0].to(r.attributions.dtype), atol=1e-6, rtol=1e-4
    )
    _complete(r)


def test_attention_mask_reaches_the_model(make):
    """A masked-out token changes nothing only if the mask got to the model."""
    tok, model = wordpiece_tokenizer(), bert_classifier()
    enc = tok(TEXT, return_tensors="pt")
    enc["attention_mask"][0, 3] = 0
    w = make(model, enc)
    w.wait(60)
    with torch.no_grad():
        want = model(**enc).logits[0]
    torch.testing.assert_close(w._explainer.logits.float(), want.double().float())
    assert w._explainer.tokens == enc.tokens()  # the encoding's own token strings


def test_id2label_names_the_classes(make):
    tok, model = wordpiece_tokenizer(), distilbert_classifier()
    w = make(model, TEXT, tokenizer=tok)
    assert {c["label"] for c in w.top_classes} == {"NEGATIVE", "POSITIVE"}
    assert w.class_labels == ["NEGATIVE", "POSITIVE"]
    _complete(w.wait(60))


def test_roberta_with_a_byte_level_tokenizer(make):
    tok, model = bpe_tokenizer(), roberta_classifier()
    w = make(model, TEXT, tokenizer=tok)
    _complete(w.wait(60))
    assert w._explainer.tokens[1].startswith("\u0120")  # "Ġmovie": the view joins words


def test_causal_lm_explains_the_next_token(make):
    tok, lm = bpe_tokenizer(), gpt2_lm()
    prompt = "the capital of france is"
    w = make(lm, prompt, tokenizer=tok)
    r = w.wait(60)
    ids = tok(prompt, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        probs = torch.softmax(lm(ids).logits[0, -1].double(), 0)
    top = torch.argsort(probs, descending=True)[:10]
    assert [c["index"] for c in w.top_classes] == top.tolist()
    assert w.target == int(top[0])
    for c in w.top_classes:
        assert c["label"] == tok.decode([c["index"]])
        assert c["prob"] == pytest.approx(float(probs[c["index"]]), rel=1e-5)
    assert len(w.class_labels) == len(tok)
    assert w._explainer.position == ids.shape[1] - 1
    with torch.no_grad():
        assert r.output == pytest.approx(float(lm(ids).logits[0, -1, w.target]), rel=1e-4)
    _complete(r)
    # any token may be the target
    paris = tok.convert_tokens_to_ids("Ġparis")
    assert paris != tok.unk_token_id
    w.target = paris
    r = w.wait(60)
    assert r.settings["target"] == paris
    _complete(r)


def test_special_tokens_kept_by_default_and_replaceable(make):
    tok, model = wordpiece_tokenizer(), bert_classifier()
    w = make(model, TEXT, tokenizer=tok)
    ex = w._explainer
    assert ex.baseline_options[:3] == ["pad", "mask", "unk"]
    # BERT's pad row is zero (padding_idx): "pad, specials too" is the zero embedding,
    # offered once
    assert "zero embedding" not in ex.baseline_options
    ids = ex.x
    emb = model.get_input_embeddings()
    kept = ex.baseline("pad")[0]
    assert torch.equal(kept[0], emb(ids)[0, 0])  # [CLS] stays
    assert torch.equal(kept[1], emb.weight[tok.pad_token_id])
    every = ex.baseline("pad, specials too")[0]
    assert torch.equal(every[0], emb.weight[tok.pad_token_id])
    mask = ex.baseline("mask")[0]
    assert torch.equal(mask[2], emb.weight[tok.mask_token_id])


def test_user_token_baseline_and_readout_baseline_output(make):
    tok, model = wordpiece_tokenizer(), bert_classifier()
    w = make(model, TEXT, tokenizer=tok, baselines={"blank": "[UNK]"})
    assert w.baseline == "blank"
    r = w.wait(60)
    assert torch.equal(w._explainer.baseline("blank"), w._explainer.baseline("unk"))
    assert w._payload["readout"]["baseline_output"] == pytest.approx(r.baseline_output)
    with pytest.raises(ValueError, match="not a token of the tokenizer"):
        make(model, TEXT, tokenizer=tok, baselines={"blank": "notatoken"})


def test_pad_equal_to_zero_embedding_is_offered_once(make):
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.emb = torch.nn.Embedding(20, 4, padding_idx=0)
            self.out = torch.nn.Linear(4, 2)

        def forward(self, ids):
            return self.out(torch.tanh(self.emb(ids)).mean(1))

    w = make(Tiny(), torch.tensor([3, 4, 5]), pad_token_id=0)
    assert w.baseline_options == ["pad"]


def test_string_without_tokenizer_names_the_fix(make):
    with pytest.raises(TypeError, match="tokenizer="):
        make(bert_classifier(), TEXT)


def test_two_thousand_tokens_attribute_with_automatic_chunking(make):
    tok, model = wordpiece_tokenizer(), bert_classifier()
    sentence = "the movie was not good and the actors were great"
    # the trainer's vocabulary (so a sentence's token count) can differ between processes
    per = len(tok(sentence, add_special_tokens=False)["input_ids"])
    text = " ".join([sentence] * (2000 // per + 1))
    w = make(model, text, tokenizer=tok)
    r = w.wait(600)
    assert len(w._explainer.tokens) >= 2000
    assert r.token_attributions.shape == (len(w._explainer.tokens),)
    _complete(r)


def test_text_longer_than_the_model_takes_names_the_fix(make):
    tok, model = wordpiece_tokenizer(), distilbert_classifier()
    with pytest.raises(ValueError, match=r"at most 256.*truncation=True"):
        make(model, " ".join(["good"] * 300), tokenizer=tok)


def test_generate_steps_explains_each_generated_token(make):
    tok, lm = bpe_tokenizer(), gpt2_lm()
    prompt = "the capital of france is"
    w = make(lm, prompt, tokenizer=tok, generate_steps=3)
    ids = tok(prompt, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        want = lm.generate(ids, max_new_tokens=3, do_sample=False, pad_token_id=tok.eos_token_id)[
            0, ids.shape[1] :
        ]
    gen = w.generated_tokens
    assert [g["index"] for g in gen] == want.tolist()
    assert [g["label"] for g in gen] == [tok.decode([i]) for i in want.tolist()]
    t0 = ids.shape[1]
    assert len(w._explainer.tokens) == t0 + 2  # the prompt and the tokens before the last
    # step 2: the third generated token, from the prompt and the two tokens before it
    w.generation_step, w.target = 2, gen[2]["index"]
    r = w.wait(60)
    full = torch.cat([ids, want[None, :2]], 1)
    with torch.no_grad():
        assert r.output == pytest.approx(float(lm(full).logits[0, -1, gen[2]["index"]]), rel=1e-4)
    assert r.settings["step"] == 2
    _complete(r)
    # step 0 again: the tokens after the prompt's last cannot matter (causal attention)
    w.generation_step, w.target = 0, gen[0]["index"]
    r0 = w.wait(60)
    assert torch.all(r0.token_attributions[t0:] == 0)
    with pytest.raises(Exception, match="generation_step=3 is out of range"):
        w.generation_step = 3


def test_generate_steps_refused_for_a_classifier(make):
    with pytest.raises(ValueError, match="generate_steps= is for causal language models"):
        make(bert_classifier(), TEXT, tokenizer=wordpiece_tokenizer(), generate_steps=2)


def test_target_given_as_a_token_or_a_label(make):
    tok, lm = bpe_tokenizer(), gpt2_lm()
    w = make(lm, "the capital of france is", tokenizer=tok, target="paris")
    assert w.target == tok.convert_tokens_to_ids("\u0120paris")  # " paris", spaces trimmed
    w2 = make(distilbert_classifier(), TEXT, tokenizer=wordpiece_tokenizer(), target="positive")
    assert w2.target == 1
    with pytest.raises(Exception, match="'target' trait .* not the str 'neutral'"):
        make(distilbert_classifier(), TEXT, tokenizer=wordpiece_tokenizer(), target="neutral")

"""Tiny Hugging Face models and tokenizers built in code (no downloads): random weights,
two layers of width 32, tokenizers trained on a few sentences."""

from __future__ import annotations

import functools

import pytest

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

import torch  # noqa: E402

CORPUS = [
    "the movie was not good",
    "the movie was good and the actors were great",
    "a bad film with a terrible plot",
    "the capital of france is paris",
    "the capital of italy is rome",
    "the capital of spain is madrid",
    "i loved the music but hated the ending",
] * 4


@functools.cache
def wordpiece_tokenizer() -> transformers.PreTrainedTokenizerFast:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(
        CORPUS, trainers.WordPieceTrainer(vocab_size=120, special_tokens=specials)
    )
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    from tokenizers import decoders

    tok.decoder = decoders.WordPiece()
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


@functools.cache
def bpe_tokenizer() -> transformers.PreTrainedTokenizerFast:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer)
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )


def _seeded(build):
    torch.manual_seed(0)
    return build().eval()


def bert_classifier(num_labels: int = 3, **config) -> torch.nn.Module:
    tok = wordpiece_tokenizer()
    cfg = transformers.BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=2048,
        num_labels=num_labels,
        pad_token_id=tok.pad_token_id,
        **config,
    )
    return _seeded(lambda: transformers.BertForSequenceClassification(cfg))


def distilbert_classifier() -> torch.nn.Module:
    tok = wordpiece_tokenizer()
    cfg = transformers.DistilBertConfig(
        vocab_size=len(tok),
        dim=32,
        n_layers=2,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=256,
        num_labels=2,
        pad_token_id=tok.pad_token_id,
        id2label={0: "NEGATIVE", 1: "POSITIVE"},
        label2id={"NEGATIVE": 0, "POSITIVE": 1},
    )
    return _seeded(lambda: transformers.DistilBertForSequenceClassification(cfg))


def roberta_classifier() -> torch.nn.Module:
    tok = bpe_tokenizer()
    cfg = transformers.RobertaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=260,
        num_labels=2,
        pad_token_id=0,
    )
    return _seeded(lambda: transformers.RobertaForSequenceClassification(cfg))


def gpt2_lm() -> torch.nn.Module:
    tok = bpe_tokenizer()
    cfg = transformers.GPT2Config(
        vocab_size=len(tok),
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=2048,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    return _seeded(lambda: transformers.GPT2LMHeadModel(cfg))


def vit_classifier() -> torch.nn.Module:
    cfg = transformers.ViTConfig(
        image_size=32,
        patch_size=8,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1000,
    )
    return _seeded(lambda: transformers.ViTForImageClassification(cfg))


def convnext_classifier() -> torch.nn.Module:
    cfg = transformers.ConvNextConfig(
        num_stages=2,
        hidden_sizes=[16, 32],
        depths=[1, 1],
        num_labels=10,
        id2label={i: f"kind {i}" for i in range(10)},
        label2id={f"kind {i}": i for i in range(10)},
    )
    model = _seeded(lambda: transformers.ConvNextForImageClassification(cfg))
    # Hugging Face initialises biases to zero, which makes the random network scale
    # invariant (layer norm after a bias-free stem: F(a x) = F(x)), so no path from the
    # black image says anything; trained weights have biases.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.normal_(0, 0.5)
    return model


def resnet_classifier() -> torch.nn.Module:
    cfg = transformers.ResNetConfig(
        embedding_size=16,
        hidden_sizes=[16, 32],
        depths=[1, 1],
        num_labels=7,
    )
    return _seeded(lambda: transformers.ResNetForImageClassification(cfg))

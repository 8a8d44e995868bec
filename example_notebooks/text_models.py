"""Two tiny Hugging Face models for the text notebook, trained from scratch in seconds.

Nothing is downloaded: the tokenizers are trained here with the ``tokenizers`` package on
the repository's sentences, and the models are built from config objects with random
weights, then trained.

    sentiment_classifier() -> (model, tokenizer)   a 2-layer BERT on data/sentiment.tsv
                                                   and data/negation.tsv ("not good")
    capitals_lm()          -> (model, tokenizer)   a 2-layer GPT-2 on data/capitals.txt
                                                   ("the capital of france is paris")
"""

from __future__ import annotations

from pathlib import Path

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import trainers as tok_trainers

DATA = Path(__file__).resolve().parent / "data"
SEED = 0


def _rows(path: Path) -> list[tuple[int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            label, text = line.split("\t", 1)
            out.append((1 if label == "positive" else 0, text))
    return out


def sentiment_data() -> tuple[list[str], list[int]]:
    """The sentiment sentences and the negation ones ("the food was not bad": positive)."""
    rows = _rows(DATA / "sentiment.tsv") + _rows(DATA / "negation.tsv")
    return [t for _, t in rows], [y for y, _ in rows]


def wordpiece_tokenizer(texts: list[str]) -> transformers.PreTrainedTokenizerFast:
    """A BERT-style WordPiece tokenizer ([CLS] ... [SEP]) whose vocabulary is every word of
    ``texts`` plus single letters (so unseen words split into pieces). Built from the
    sorted words rather than trained, so the ids, and the model trained on them, are the
    same on every run (the WordPiece trainer breaks ties differently from run to run)."""
    words = sorted({w for t in texts for w in pre_split(t)})
    letters = sorted({c for w in words for c in w})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {}
    for piece in specials + words + letters + [f"##{c}" for c in letters]:
        vocab.setdefault(piece, len(vocab))
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


def pre_split(text: str) -> list[str]:
    """The words BERT's pre-tokenizer makes of ``text`` (lower case, punctuation apart)."""
    return [w for w, _ in pre_tokenizers.BertPreTokenizer().pre_tokenize_str(text.lower())]


def _train(model: torch.nn.Module, batches: list[dict], epochs: int, lr: float) -> torch.nn.Module:
    """AdamW over the batches (each a dict of model keyword arguments with ``labels``), on
    one thread (models this small train faster that way); returns the model in eval mode."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    try:
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
        model.train()
        for _ in range(epochs):
            for i in torch.randperm(len(batches), generator=gen).tolist():
                opt.zero_grad()
                model(**batches[i]).loss.backward()
                opt.step()
    finally:
        torch.set_num_threads(threads)
    return model.eval()


def sentiment_classifier(
    epochs: int = 15,
) -> tuple[torch.nn.Module, transformers.PreTrainedTokenizerFast]:
    """A 2-layer BERT sentiment classifier with ``id2label`` {0: negative, 1: positive}."""
    texts, labels = sentiment_data()
    tok = wordpiece_tokenizer(texts)
    torch.manual_seed(SEED)
    config = transformers.BertConfig(
        vocab_size=len(tok),
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
        id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )
    model = transformers.BertForSequenceClassification(config)
    order = torch.randperm(len(texts), generator=torch.Generator().manual_seed(SEED)).tolist()
    batches = []
    for i in range(0, len(order), 16):
        idx = order[i : i + 16]
        enc = tok([texts[j] for j in idx], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([labels[j] for j in idx])
        batches.append(dict(enc))
    return _train(model, batches, epochs, 3e-3), tok


def capitals_corpus() -> list[str]:
    return [line for line in (DATA / "capitals.txt").read_text().splitlines() if line.strip()]


def bpe_tokenizer(texts: list[str]) -> transformers.PreTrainedTokenizerFast:
    """A GPT-2 style byte-level BPE tokenizer trained on ``texts`` (whole words become
    tokens: " paris")."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = tok_trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
    )


def capitals_lm(epochs: int = 150) -> tuple[torch.nn.Module, transformers.PreTrainedTokenizerFast]:
    """A 2-layer GPT-2 that learned the corpus' facts (next-token prediction)."""
    corpus = capitals_corpus()
    tok = bpe_tokenizer(corpus)
    torch.manual_seed(SEED)
    config = transformers.GPT2Config(
        vocab_size=len(tok),
        n_embd=64,
        n_layer=2,
        n_head=4,
        n_positions=32,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    model = transformers.GPT2LMHeadModel(config)
    batches = []
    for i in range(0, len(corpus), 8):
        enc = tok(corpus[i : i + 8], padding=True, return_tensors="pt")
        labels = enc["input_ids"].clone()
        labels[enc["attention_mask"] == 0] = -100
        enc["labels"] = labels
        batches.append(dict(enc))
    return _train(model, batches, epochs, 3e-3), tok

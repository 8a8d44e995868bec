"""Three small models for the quick-start notebook, one per modality.

Each function trains its model from scratch in a few seconds on a laptop CPU, with a
fixed seed, on data that ships with scikit-learn or with this repository (nothing is
downloaded), and returns the model in eval mode with one example to explain.

    image_model()    -> ImageExample    a small CNN on scikit-learn's 8x8 digits, upscaled
    text_model()     -> TextExample     embeddings + attention pooling on data/sentiment.tsv
    tabular_model()  -> TabularExample  an MLP on scikit-learn's breast-cancer data
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

DATA = Path(__file__).resolve().parent / "data"
SEED = 0
PAD, UNK = "<pad>", "<unk>"


def _seed(seed: int) -> torch.Generator:
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def _fit(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    lr: float,
    batch_size: int,
    gen: torch.Generator,
    weight_decay: float = 0.0,
) -> nn.Module:
    """Plain Adam + cross-entropy over shuffled mini-batches; returns the model in eval mode.

    Models this small train several times faster on one thread than on several (the
    threads mostly wait on each other), so training runs on one and then puts the
    thread count back.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=gen)
            for i in range(0, len(x), batch_size):
                idx = order[i : i + batch_size]
                opt.zero_grad()
                F.cross_entropy(model(x[idx]), y[idx]).backward()
                opt.step()
    finally:
        torch.set_num_threads(threads)
    return model.eval()


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows of ``x`` whose arg-max class is ``y``."""
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


# ----------------------------------------------------------------------------- image
class DigitCNN(nn.Module):
    """Two conv layers and a linear head for (N, 1, size, size) grayscale digits."""

    def __init__(self, size: int = 16) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.head = nn.Linear(16 * (size // 4) ** 2, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(x.flatten(1))


@dataclass
class ImageExample:
    model: nn.Module
    image: torch.Tensor  #: (1, H, W) float in [0, 1]
    class_names: list[str]
    label: int  #: the true class of ``image``
    test_accuracy: float


def image_model(size: int = 16, example: int = 0, seed: int = SEED) -> ImageExample:
    """A small CNN on scikit-learn's digits (8x8, upscaled to ``size`` x ``size``).

    ``example`` picks an image from the held-out quarter of the data.
    """
    from sklearn.datasets import load_digits

    gen = _seed(seed)
    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8) in [0, 1]
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).clamp(0, 1)
    y = torch.tensor(d.target)
    order = torch.randperm(len(x), generator=gen)
    n_test = len(x) // 4
    test, train = order[:n_test], order[n_test:]
    model = _fit(DigitCNN(size), x[train], y[train], epochs=8, lr=3e-3, batch_size=64, gen=gen)
    i = int(test[example])
    return ImageExample(
        model, x[i], [str(c) for c in range(10)], int(y[i]), accuracy(model, x[test], y[test])
    )


# ------------------------------------------------------------------------------ text
def tokenize(text: str) -> list[str]:
    """Lower-case words split on whitespace (punctuation dropped)."""
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


class Vocab:
    """Word <-> id; id 0 is padding, id 1 stands for words never seen in training."""

    def __init__(self, sentences: list[str]) -> None:
        words = sorted({w for s in sentences for w in tokenize(s)})
        self.itos = [PAD, UNK] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id = 0
        self.unk_id = 1

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, length: int | None = None) -> torch.Tensor:
        """Token ids (T,) of ``text``, padded (or cut) to ``length`` when given."""
        ids = [self.stoi.get(w, self.unk_id) for w in tokenize(text)]
        if length is not None:
            ids = (ids + [self.pad_id] * length)[:length]
        return torch.tensor(ids, dtype=torch.long)

    def decode(self, ids: torch.Tensor) -> list[str]:
        return [self.itos[int(i)] for i in ids]


class SentimentNet(nn.Module):
    """Embeddings -> per-token tanh features -> attention pooling over real tokens -> logits."""

    def __init__(self, vocab_size: int, dim: int = 16, n_classes: int = 2, pad_id: int = 0) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=pad_id)
        self.proj = nn.Linear(dim, dim)
        self.score = nn.Linear(dim, 1)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.proj(self.embedding(ids)))  # (N, T, D)
        scores = self.score(h).squeeze(-1)  # (N, T)
        scores = scores.masked_fill(ids == self.pad_id, -1e4)  # padding gets no attention
        weights = torch.softmax(scores, dim=1).unsqueeze(-1)
        return self.head((weights * h).sum(1))


@dataclass
class TextExample:
    model: nn.Module
    ids: torch.Tensor  #: (T,) int64 token ids of ``sentence``
    tokens: list[str]  #: one string per id
    pad_token_id: int
    class_names: list[str]
    sentence: str
    vocab: Vocab
    test_accuracy: float


def load_sentiment(path: Path = DATA / "sentiment.tsv") -> tuple[list[str], list[int]]:
    """Sentences and labels (0 negative, 1 positive) of the repository's small data set."""
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            label, text = line.split("\t", 1)
            texts.append(text)
            labels.append(1 if label == "positive" else 0)
    return texts, labels


def text_model(
    sentence: str = "the acting was wonderful, the ending felt dull and slow", seed: int = SEED
) -> TextExample:
    """A tiny sentiment classifier trained on ``data/sentiment.tsv`` (380 sentences)."""
    gen = _seed(seed)
    texts, labels = load_sentiment()
    vocab = Vocab(texts)
    length = max(len(tokenize(t)) for t in texts)
    x = torch.stack([vocab.encode(t, length) for t in texts])
    y = torch.tensor(labels)
    order = torch.randperm(len(x), generator=gen)
    n_test = len(x) // 5
    test, train = order[:n_test], order[n_test:]
    model = _fit(
        SentimentNet(len(vocab), pad_id=vocab.pad_id),
        x[train],
        y[train],
        epochs=30,
        lr=1e-2,
        batch_size=32,
        gen=gen,
    )
    ids = vocab.encode(sentence)
    return TextExample(
        model,
        ids,
        vocab.decode(ids),
        vocab.pad_id,
        ["negative", "positive"],
        sentence,
        vocab,
        accuracy(model, x[test], y[test]),
    )


# --------------------------------------------------------------------------- tabular
class TabularMLP(nn.Module):
    def __init__(self, n_features: int, n_classes: int, hidden: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


@dataclass
class TabularExample:
    model: nn.Module
    row: torch.Tensor  #: (F,) standardised features of one held-out patient
    feature_names: list[str]
    class_names: list[str]
    background: torch.Tensor  #: (n, F) standardised training rows, for "background mean"
    raw_row: np.ndarray  #: the same row in the data set's original units
    test_accuracy: float


def tabular_model(example: int = 0, n_background: int = 200, seed: int = SEED) -> TabularExample:
    """An MLP on scikit-learn's breast-cancer data (30 features), standardised with the
    training rows' mean and standard deviation."""
    from sklearn.datasets import load_breast_cancer

    gen = _seed(seed)
    d = load_breast_cancer()
    raw = torch.tensor(d.data, dtype=torch.float32)
    y = torch.tensor(d.target)
    order = torch.randperm(len(raw), generator=gen)
    n_test = len(raw) // 4
    test, train = order[:n_test], order[n_test:]
    mean, std = raw[train].mean(0), raw[train].std(0)
    x = (raw - mean) / std
    model = _fit(
        TabularMLP(x.shape[1], 2),
        x[train],
        y[train],
        epochs=40,
        lr=3e-3,
        batch_size=32,
        gen=gen,
        weight_decay=1e-4,
    )
    i = int(test[example])
    return TabularExample(
        model,
        x[i],
        [str(n) for n in d.feature_names],
        [str(n) for n in d.target_names],
        x[train[:n_background]],
        d.data[i],
        accuracy(model, x[test], y[test]),
    )

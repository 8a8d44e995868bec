"""The benchmark's models: small, seeded, float32, eval mode, no downloads.

Each shape stands for a workload the widget serves: a tabular MLP, a token classifier
attributed at its embedding output (short and long sequences), a small image CNN and a
ResNet-18-shaped network at ImageNet resolution, and a small Hugging Face BERT built from
a config and attributed at its word embeddings. Two are hard integrands for quadrature
along the path: a scale-invariant image model (a normalisation right after a bias-free
stem) and a saturating tanh MLP with large weights. Two are trained for a second or two on
scikit-learn data so that their attributions have real structure (ReLU kinks where the
decision changes) instead of the smooth near-linear response of random weights; the
others keep seeded random weights, which is enough for timing.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

TABULAR_FEATURES = 100
VOCAB = 1000
D_MODEL = 64


def seeded(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


def fit_adam(model: nn.Module, batches, steps: int, lr: float) -> nn.Module:
    """Plain Adam on cross-entropy; ``batches()`` returns one (x, y) per step.

    Written out (a dozen lines) because the first ``torch.optim`` optimizer imports
    ``torch._dynamo``, about 2 s of the quick mode's one-minute budget.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    model.train()
    for t in range(1, steps + 1):
        x, y = batches()
        grads = torch.autograd.grad(F.cross_entropy(model(x), y), params)
        with torch.no_grad():
            for p, g, m_, v_ in zip(params, grads, m, v, strict=True):
                m_.mul_(b1).add_(g, alpha=1 - b1)
                v_.mul_(b2).addcmul_(g, g, value=1 - b2)
                step = lr * (1 - b2**t) ** 0.5 / (1 - b1**t)
                p.addcdiv_(m_, v_.sqrt().add_(eps), value=-step)
    return model.eval()


# ---------------------------------------------------------------- tabular
class TabularMLP(nn.Module):
    def __init__(self, n_features: int = TABULAR_FEATURES, n_classes: int = 2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, 256),
            nn.ReLU(),
            nn.Linear(256, 256),
            nn.ReLU(),
            nn.Linear(256, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def breast_cancer_100(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Breast cancer's 30 standardized features plus 70 standard-normal noise columns.

    The data set has 30 features; the noise pads it to the 100 the benchmark asks for,
    and a trained model learns to give the noise little weight, as real models do.
    """
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    x = data.data.astype(np.float64)
    x = (x - x.mean(0)) / x.std(0)
    noise = np.random.default_rng(seed).standard_normal((x.shape[0], TABULAR_FEATURES - 30))
    x = np.concatenate([x, noise], axis=1).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(data.target.astype(np.int64))


def train_tabular(seed: int = 0, steps: int = 100) -> tuple[TabularMLP, torch.Tensor, float]:
    """Full-batch Adam on 469 rows, tested on 100 held out; returns (model, test x, acc)."""
    seeded(seed)
    x, y = breast_cancer_100(seed)
    perm = torch.randperm(len(x))
    x, y = x[perm], y[perm]
    x_train, y_train, x_test, y_test = x[100:], y[100:], x[:100], y[:100]
    model = fit_adam(TabularMLP(), lambda: (x_train, y_train), steps, lr=1e-3)
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    return model, x_test, acc


# ---------------------------------------------------------------- text
class TokenEmbed(nn.Module):
    """Token ids -> word embeddings: the layer whose output is attributed."""

    def __init__(self, vocab: int = VOCAB, d: int = D_MODEL):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.emb(ids)


class TokenClassifierRest(nn.Module):
    """Word embeddings -> logits: positions, 2-layer encoder, mean pool, linear head."""

    def __init__(self, d: int = D_MODEL, max_len: int = 512, n_classes: int = 2):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(max_len, d) * 0.1)
        layer = nn.TransformerEncoderLayer(
            d, nhead=4, dim_feedforward=4 * d, dropout=0.0, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d, n_classes)

    def forward(self, emb: torch.Tensor) -> torch.Tensor:
        h = self.encoder(emb + self.pos[: emb.shape[1]])
        return self.head(h.mean(1))


def token_classifier(seed: int = 0) -> tuple[TokenEmbed, TokenClassifierRest]:
    seeded(seed)
    embed, rest = TokenEmbed(), TokenClassifierRest()
    return embed.eval(), rest.eval()


# ---------------------------------------------------------------- small CNN
class SmallCNN(nn.Module):
    """Three conv-ReLU-pool stages on 3x64x64, flatten, linear head.

    A flatten head rather than global average pooling: it learns digits in a few dozen
    steps (about 88% held-out accuracy), where the pooled head stays at chance.
    """

    def __init__(self, n_classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(32 * 8 * 8, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).flatten(1))


def digits_64() -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 8x8 digits in [0, 1], bilinearly upscaled to 3x64x64."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = torch.from_numpy(data.images.astype(np.float32) / 16.0)[:, None]
    x = F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)
    return x.expand(-1, 3, -1, -1).contiguous(), torch.from_numpy(data.target.astype(np.int64))


def train_cnn(
    seed: int = 0, steps: int = 40, batch: int = 32
) -> tuple[SmallCNN, torch.Tensor, float]:
    """A few dozen Adam steps on digits (about 2 s on 2 cores); returns (model, test x, acc)."""
    seeded(seed)
    x, y = digits_64()
    perm = torch.randperm(len(x))
    x, y = x[perm], y[perm]
    x_train, y_train, x_test, y_test = x[200:], y[200:], x[:200], y[:200]

    def batches():
        idx = torch.randint(len(x_train), (batch,))
        return x_train[idx], y_train[idx]

    model = fit_adam(SmallCNN(), batches, steps, lr=3e-3)
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    return model, x_test, acc


def cnn_example() -> tuple[SmallCNN, torch.Tensor, int]:
    """The trained CNN, its first test image (1, 3, 64, 64) and the class it predicts:
    the one-example CNN case of the per-call scripts (compile, coarse_reuse)."""
    cnn, x_test, _ = train_cnn()
    x = x_test[:1].contiguous()
    with torch.no_grad():
        target = int(cnn(x).argmax(1)[0])
    return cnn, x, target


# ---------------------------------------------------------------- ResNet-18 shape
class BasicBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.down = None
        if stride != 1 or c_in != c_out:
            self.down = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.down is None else self.down(x)))


class ResNet18Shaped(nn.Module):
    """torchvision's resnet18 layout (BasicBlock, [2, 2, 2, 2]) written out here."""

    def __init__(self, n_classes: int = 1000):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, 7, 2, 3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(3, 2, 1),
        )
        blocks, c_in = [], 64
        for c_out, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            blocks += [BasicBlock(c_in, c_out, stride), BasicBlock(c_out, c_out, 1)]
            c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.blocks(self.stem(x)).mean((2, 3)))


def resnet18_shaped(seed: int = 0) -> ResNet18Shaped:
    seeded(seed)
    return ResNet18Shaped().eval()


# ---------------------------------------------------------------- hard integrands
class ScaleInvariantCNN(nn.Module):
    """A ConvNeXt-style start: bias-free 4x4 patchify stem, LayerNorm over channels at
    every position (eps 1e-6), then a conv block and a linear head, random init.

    The stem is linear and the norm undoes any scale, so with the zero baseline
    F(alpha x) is flat once alpha * |stem(x)| is well above sqrt(eps): on raw 0-255
    pixels that is alpha above about 1e-5, and all of F(x) - F(0) sits in a sliver next
    to alpha = 0, which every uniform rule misses.
    """

    def __init__(self, c: int = 32, n_classes: int = 10):
        super().__init__()
        self.stem = nn.Conv2d(3, c, 4, 4, bias=False)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.block = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.GELU())
        self.head = nn.Linear(c, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm(self.stem(x).permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return self.head(self.block(h).mean((2, 3)))


def scale_invariant_cnn(seed: int = 0) -> ScaleInvariantCNN:
    seeded(seed)
    return ScaleInvariantCNN().eval()


class SaturatingMLP(nn.Module):
    """A confident tanh classifier: first layer x4 (``first``) and head x50 the default
    init, output the class probabilities (softmax). Hidden units and the softmax
    saturate within short stretches of the path, so F moves in steps.

    With ``first=4`` the benchmark's example moves F over about a third of the path
    (10% to 90% of F(x) - F(x') between alpha 0.13 and 0.47): saturating, but mildly.
    ``first=20`` stands for a trained model with large first-layer weights (weight
    decay off, long training, standardized inputs several units wide): the hidden
    units leave their linear range after a few percent of the path and the softmax
    commits there, so 10% to 90% of the change happens between alpha 0.017 and 0.047,
    the saturation IG's papers describe for trained image models."""

    def __init__(
        self,
        n_features: int = TABULAR_FEATURES,
        hidden: int = 64,
        n_classes: int = 2,
        first: float = 4.0,
    ):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.Tanh(), nn.Linear(hidden, n_classes)
        )
        with torch.no_grad():
            for layer, scale in ((self.net[0], first), (self.net[2], 50.0)):
                layer.weight.mul_(scale)
                layer.bias.mul_(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x), dim=1)


def saturating_mlp(seed: int = 0, first: float = 4.0) -> SaturatingMLP:
    seeded(seed)
    return SaturatingMLP(first=first).eval()


class BertAtEmbeddings(nn.Module):
    """A 2-layer BertForSequenceClassification (hidden 64) from a config, random
    weights; its input is the word-embedding output, passed as ``inputs_embeds``
    (positions and token types are added inside, as for token ids)."""

    def __init__(self, bert: nn.Module):
        super().__init__()
        self.bert = bert

    def forward(self, emb: torch.Tensor) -> torch.Tensor:
        return self.bert(inputs_embeds=emb).logits


def tiny_bert(seed: int = 0) -> tuple[nn.Module, BertAtEmbeddings]:
    """(word embedding layer, model from embeddings to logits)."""
    from transformers import BertConfig, BertForSequenceClassification

    seeded(seed)
    config = BertConfig(
        vocab_size=VOCAB,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=128,
        num_labels=2,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    bert = BertForSequenceClassification(config).eval()
    return bert.bert.embeddings.word_embeddings, BertAtEmbeddings(bert).eval()

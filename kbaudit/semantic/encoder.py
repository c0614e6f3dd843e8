"""A BERT sentence encoder (all-MiniLM-L6-v2 class) run with numpy: the `tokenizers`
library splits the text, `safetensors` reads the weights, and the forward pass is a few
matrix products per layer; mean pooling over the tokens, then L2-normalised. No torch.

The model folder has the Hugging Face layout: `config.json`, `tokenizer.json` and
`model.safetensors`. Texts are encoded in batches of similar length (little padding) with
BLAS pinned to the given number of threads (more threads than cores collapse under load)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kbaudit.errors import ConfigError

MODEL_FILES = ("config.json", "tokenizer.json", "model.safetensors")
BATCH_TOKENS = 4096  # tokens per batch (questions are short: a few hundred per batch)


def missing_extra() -> str | None:
    """The package the semantic mode lacks, or None when it can run."""
    for name in ("tokenizers", "safetensors"):
        try:
            __import__(name)
        except ImportError:
            return name
    return None


@dataclass(frozen=True)
class Layer:
    qkv: np.ndarray  # (hidden, 3 * hidden): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * norm[0] + norm[1]


# Abramowitz & Stegun 7.1.26: erf within 1.5e-7, in float32 numpy operations (scipy's erf
# runs in float64 and took most of the forward pass).
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(
    np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


def _erf(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + _ERF_P * ax)
    poly = _ERF_A[0]
    for a in _ERF_A[1:]:
        poly = poly * t + a
    y = np.float32(1.0) - poly * t * np.exp(-ax * ax)
    return np.copysign(y, x)


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU that BERT uses."""
    return np.float32(0.5) * x * (np.float32(1.0) + _erf(x * np.float32(1.0 / np.sqrt(2.0))))


class Encoder:
    """Sentence embeddings from a BERT model folder (see the module docstring)."""

    def __init__(self, folder: Path, max_tokens: int = 256, threads: int = 1) -> None:
        missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise ConfigError(
                f"{folder}: not a model folder, it lacks {', '.join(missing)}; give a folder "
                "with config.json, tokenizer.json and model.safetensors, or run "
                "`kbaudit model download`"
            )
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            weights = load_file(str(folder / "model.safetensors"))
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (OSError, ValueError, Exception) as exc:  # the libraries raise their own types
            raise ConfigError(f"{folder}: cannot read the model ({exc})") from None
        self.folder = folder
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        positions = int(config.get("max_position_embeddings", 512))
        self.max_tokens = min(max_tokens, positions)
        self.threads = max(1, threads)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self._load(weights, int(config["num_hidden_layers"]))

    def _load(self, weights: dict[str, np.ndarray], layers: int) -> None:
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def w(name: str) -> np.ndarray:
            try:
                return np.ascontiguousarray(weights[prefix + name], dtype=np.float32)
            except KeyError:
                raise ConfigError(f"{self.folder}: the weights lack {prefix + name}") from None

        self.words = w("embeddings.word_embeddings.weight")
        self.positions = w("embeddings.position_embeddings.weight")
        self.types = w("embeddings.token_type_embeddings.weight")
        self.norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(layers):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            self.layers.append(
                Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate(
                            [w(f"{a}self.{n}.weight") for n in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_bias=np.concatenate(
                        [w(f"{a}self.{n}.bias") for n in ("query", "key", "value")]
                    ),
                    out=np.ascontiguousarray(w(f"{a}output.dense.weight").T),
                    out_bias=w(f"{a}output.dense.bias"),
                    norm1=(w(f"{a}output.LayerNorm.weight"), w(f"{a}output.LayerNorm.bias")),
                    up=np.ascontiguousarray(w(f"{p}intermediate.dense.weight").T),
                    up_bias=w(f"{p}intermediate.dense.bias"),
                    down=np.ascontiguousarray(w(f"{p}output.dense.weight").T),
                    down_bias=w(f"{p}output.dense.bias"),
                    norm2=(w(f"{p}output.LayerNorm.weight"), w(f"{p}output.LayerNorm.bias")),
                )
            )

    @property
    def dims(self) -> int:
        return int(self.words.shape[1])

    def identity(self) -> str:
        """What the embeddings depend on: the weights file (size and time) and the cut."""
        stat = (self.folder / "model.safetensors").stat()
        return f"{self.folder.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{self.max_tokens}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised sentence vectors (len(texts) x dims), float32."""
        from threadpoolctl import threadpool_limits

        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch([t or " " for t in texts])]
        order = np.argsort([len(i) for i in ids], kind="stable")
        with threadpool_limits(self.threads):
            start = 0
            while start < len(order):
                longest = len(ids[order[min(start, len(order) - 1)]])
                size = max(1, BATCH_TOKENS // max(longest, 1))
                batch = order[start : start + size]
                longest = max(len(ids[i]) for i in batch)
                tokens = np.zeros((len(batch), longest), dtype=np.int64)
                mask = np.zeros((len(batch), longest), dtype=np.float32)
                for row, i in enumerate(batch):
                    tokens[row, : len(ids[i])] = ids[i]
                    mask[row, : len(ids[i])] = 1.0
                out[batch] = self._forward(tokens, mask)
                start += size
        return out

    def _forward(self, tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = tokens.shape
        hidden = self.dims
        head = hidden // self.heads
        x = self.words[tokens] + self.positions[:length][None] + self.types[0]
        x = _layer_norm(x, self.norm, self.eps).reshape(batch * length, hidden)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            qkv = qkv.reshape(batch, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            x = _layer_norm(x + context @ layer.out + layer.out_bias, layer.norm1, self.eps)
            up = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(x + up @ layer.down + layer.down_bias, layer.norm2, self.eps)
        x = x.reshape(batch, length, hidden)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

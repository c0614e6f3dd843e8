"""Optional semantic matching (`pip install "kbaudit[semantic]"`): sentence embeddings from a
small BERT model (all-MiniLM-L6-v2 class) run on CPU with numpy, cached on disk per text.

Where the model comes from, first found wins: `--model DIR` (or `model:` in the config), the
`KBAUDIT_MODEL` environment variable, the folder `kbaudit model download` fills, the Hugging
Face cache. Nothing is fetched unless `kbaudit model download` is run."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kbaudit.errors import ConfigError
from kbaudit.semantic.encoder import MODEL_FILES, Encoder, missing_extra

MODEL_NAME = "all-MiniLM-L6-v2"
HF_REPO = "sentence-transformers/all-MiniLM-L6-v2"
ARTICLE_TOKENS = 128  # what an article is about: its title, description and opening


def cache_root() -> Path:
    """kbaudit's folder in the user cache (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kbaudit"


def models_dir() -> Path:
    return cache_root() / "models"


def _is_model(folder: Path) -> bool:
    return all((folder / name).is_file() for name in MODEL_FILES)


def _hf_snapshots() -> list[Path]:
    hub = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or str(Path.home() / ".cache" / "huggingface"), "hub"
    )
    folder = Path(hub) / f"models--{HF_REPO.replace('/', '--')}" / "snapshots"
    return sorted(folder.glob("*")) if folder.is_dir() else []


def find_model(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The model folder to use, or None when there is none on this machine. An explicit
    folder that is not a model is an error (it was asked for)."""
    if explicit:
        folder = Path(explicit).expanduser()
        if not _is_model(folder):
            raise ConfigError(
                f"--model {folder}: not a model folder (it needs {', '.join(MODEL_FILES)}); "
                "run `kbaudit model download` or give the folder of a sentence-transformers "
                "model"
            )
        return folder
    candidates = []
    if os.environ.get("KBAUDIT_MODEL"):
        candidates.append(Path(os.environ["KBAUDIT_MODEL"]).expanduser())
    candidates += [models_dir() / MODEL_NAME, *_hf_snapshots()]
    return next((c for c in candidates if _is_model(c)), None)


class EmbeddingCache:
    """Vectors on disk keyed by the sha256 of (model, text): 256 bucket files (`.npz`, keys
    and vectors), each rewritten atomically (a temporary file, then a rename). A lost race
    between two runs only loses cache entries, never corrupts one."""

    def __init__(self, folder: Path | None, model_key: str, dims: int) -> None:
        self.folder = folder
        self.model_key = model_key
        self.dims = dims

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_key}\0{text}".encode()).hexdigest()

    def _bucket(self, prefix: str) -> dict[str, np.ndarray]:
        assert self.folder is not None
        path = self.folder / f"{prefix}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):  # absent or damaged: recomputed
            return {}
        if vectors.ndim != 2 or vectors.shape[1] != self.dims or len(keys) != len(vectors):
            return {}
        return {str(k): v for k, v in zip(keys, vectors, strict=True)}

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        if self.folder is None:
            return {}
        found: dict[str, np.ndarray] = {}
        wanted = set(keys)
        for prefix in sorted({k[:2] for k in keys}):
            found.update((k, v) for k, v in self._bucket(prefix).items() if k in wanted)
        return found

    def put(self, entries: dict[str, np.ndarray]) -> None:
        if self.folder is None or not entries:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for prefix in sorted({k[:2] for k in entries}):
                bucket = self._bucket(prefix)
                bucket.update((k, v) for k, v in entries.items() if k[:2] == prefix)
                path = self.folder / f"{prefix}.npz"
                temporary = path.with_name(f".{prefix}.{os.getpid()}.tmp.npz")
                np.savez(
                    temporary,
                    keys=np.array(sorted(bucket)),
                    vectors=np.stack([bucket[k] for k in sorted(bucket)]).astype(np.float32),
                )
                os.replace(temporary, path)
        except OSError:  # a read-only or full cache folder slows the next run, nothing more
            return


class Embedder:
    """Sentence vectors of articles and questions, through the on-disk cache."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None) -> None:
        self.encoder = encoder
        model_key = hashlib.sha256(encoder.identity().encode()).hexdigest()[:16]
        folder = cache_dir / "embeddings" / model_key if cache_dir is not None else None
        self.cache = EmbeddingCache(folder, model_key, encoder.dims)
        self.name = encoder.folder.name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors (len(texts) x dims); cached texts are not encoded again."""
        keys = [self.cache.key(t) for t in texts]
        found = self.cache.get(keys)
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if todo:
            fresh = self.encoder.encode([t for _, t in todo])
            new = {k: fresh[i] for i, (k, _) in enumerate(todo)}
            self.cache.put(new)
            found.update(new)
        out = np.zeros((len(texts), self.encoder.dims), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out


def load_embedder(
    model: str | None, semantic: bool | None, jobs: int = 0, cache_dir: Path | None = None
) -> Embedder | None:
    """The embedder the config asks for: `semantic` True requires one (an error says how to
    get it), False never loads one, None (auto) uses the model when the extra is installed
    and a model is on this machine."""
    if semantic is False:
        return None
    missing = missing_extra()
    if missing:
        if semantic or model:
            raise ConfigError(
                f'semantic matching needs the `{missing}` package: pip install "kbaudit[semantic]"'
            )
        return None
    folder = find_model(model)
    if folder is None:
        if semantic:
            raise ConfigError(
                "semantic matching needs a model: run `kbaudit model download`, or give "
                "--model DIR (a folder with config.json, tokenizer.json, model.safetensors)"
            )
        return None
    threads = jobs if jobs > 0 else (os.cpu_count() or 1)
    encoder = Encoder(folder, max_tokens=ARTICLE_TOKENS, threads=threads)
    return Embedder(encoder, cache_root() if cache_dir is None else cache_dir)

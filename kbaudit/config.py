"""Configuration: one dataclass, found like ruff finds its own; CLI flags override the file."""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from kbaudit import safeyaml
from kbaudit.errors import ConfigError
from kbaudit.model import Severity
from kbaudit.normalize import SourceOptions, check_limits

CONFIG_NAMES = ("kbaudit.yaml", ".kbaudit.yaml", "kbaudit.yml", ".kbaudit.yml")
DIMENSIONS = ("freshness", "uniqueness", "coverage", "taxonomy", "quality")
DEFAULT_WEIGHTS = {
    "freshness": 0.25,
    "uniqueness": 0.2,
    "coverage": 0.2,
    "taxonomy": 0.15,
    "quality": 0.2,
}


# Repository files that are not articles. `exclude` replaces this list; `extend_exclude` adds.
DEFAULT_EXCLUDE = [
    "/README.md",
    "/AGENTS.md",  # a repository's notes for its contributors
    "/SUMMARY.md",  # GitBook's table of contents
    "_sidebar.md",  # docsify navigation
    "_navbar.md",
    "**/.*/**",  # hidden folders (.github, .obsidian, .vitepress): settings, never published
    "CONTRIBUTING.md",
    "CODE_OF_CONDUCT.md",
    "SECURITY.md",
    "CHANGELOG.md",
    "LICENSE.md",
    "includes/**",
    "_includes/**",
    "archetypes/**",  # Hugo's templates for new pages (Go template, not content)
    "node_modules/**",
    "vendor/bundle/**",  # gems Bundler installs into a Jekyll site (Jekyll skips them too)
]


@dataclass
class Taxonomy:
    """The controlled vocabulary: allowed categories and tags (empty = not controlled)."""

    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    path: str | None = None


@dataclass(frozen=True)
class DuplicateSettings:
    """How duplicates are found (config `duplicates:`); every DUP rule reads the same groups."""

    threshold: float = 0.8  # TF-IDF cosine from which two bodies are near duplicates
    min_words: int = 10  # bodies shorter than this (after boilerplate) are not compared
    boilerplate_share: float = 0.02  # a line in more than this share of articles is boilerplate
    boilerplate_min_articles: int = 5  # ... and in at least this many articles
    canonical: tuple[str, ...] = ("most_linked", "newest", "longest")
    title_threshold: float = 92.0  # rapidfuzz token_sort_ratio from which titles match
    max_body_similarity: float = 0.8  # title pairs with bodies this similar are near duplicates
    min_passage_similarity: float = 85.0  # rapidfuzz ratio of two passages once facts are masked
    # two articles from one template whose titles each name a subject (an error code, an
    # object) that only their own body names answer different questions: not duplicates
    separate_template_siblings: bool = True
    # articles of these statuses are not compared: a draft copy of an article (its rewrite
    # under way), a hidden page or one withdrawn from the help center is not a second answer
    # a reader or a bot is shown
    skip_status: tuple[str, ...] = ("draft", "hidden", "archived", "retired")


@dataclass(frozen=True)
class CoverageSettings:
    """How customer questions are matched (config `coverage:`); the gap list, the coverage
    rules, the coverage dimension and the verdict all read the same matches."""

    covered: float = 0.32  # best-match score from which a question is covered
    partial: float = 0.22  # ... from which it is partly covered
    top_k: int = 3  # matches kept per question
    locale: str = "auto"  # auto (the KB's main language), all, or a locale such as en
    # Matching by meaning (kbaudit[semantic]): auto (when the extra and a model are on this
    # machine), on (required) or off; the model folder ("" = found, see kbaudit.semantic) and
    # the embedding cache folder ("" = the user cache folder).
    semantic: str = "auto"
    model: str = ""
    cache_dir: str = ""


ANALYSIS_SETTINGS: dict[str, type] = {
    "duplicates": DuplicateSettings,
    "coverage": CoverageSettings,
}


@dataclass
class Config:
    # reading the export
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    fields: dict[str, Any] = field(default_factory=dict)
    category_from: str = "auto"
    date_order: str = "mdy"
    dates: str = "field"
    base_url: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    limits: dict[str, int] = field(default_factory=dict)
    # rules
    taxonomy: Taxonomy = field(default_factory=Taxonomy)
    rule_packs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # scoring and CI
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    ready_score: float = 75.0
    fail_on: Severity | None = None
    fail_under: float | None = None
    as_of: dt.date | None = None
    jobs: int = 0
    cache: bool = True  # reuse what earlier runs parsed (--no-cache: off)
    cache_dir: str | None = None  # --cache-dir; None: the user cache folder
    topics: int | None = None
    duplicates: DuplicateSettings = field(default_factory=DuplicateSettings)
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    min_coverage: float = 0.7  # with questions: answered share under this blocks the verdict
    path: str | None = None  # the file this config came from
    # A config found inside the audited tree is written by whoever writes the KB: it may not
    # switch off or weaken security rules unless the user trusts it (KBAUDIT_TRUST_KB_CONFIG=1
    # or trust_kb_config). What was overruled is kept in `warnings` for the CLI to print.
    from_kb: bool = False
    trust_kb_config: bool = False
    warnings: list[str] = field(default_factory=list)

    def source_options(self) -> SourceOptions:
        return SourceOptions(
            fields=self.fields,
            category_from=self.category_from,
            date_order=self.date_order,
            dates=self.dates,
            include=self.include,
            exclude=self.exclude,
            base_url=self.base_url,
            mapping=self.mapping,
            preset=self.preset,
            limits=self.limits,
            jobs=self.jobs,
            cache_dir=self.cache_folder(),
        )

    def cache_folder(self) -> str | None:
        """Where the incremental cache lives, or None when it is off."""
        if not self.cache:
            return None
        from kbaudit.cache import default_dir

        return self.cache_dir or str(default_dir())

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()


def find_config(start: Path) -> Path | None:
    """The closest config walking up from `start` to the repository (or filesystem) root."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for current in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (current / name).is_file():
                return current / name
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
        if (current / ".git").exists():
            return None
    return None


def _pyproject_section(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return data.get("tool", {}).get("kbaudit")


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    if path.name == "pyproject.toml":
        section = _pyproject_section(path)
        if section is None:
            raise ConfigError(f"{path} has no [tool.kbaudit] section")
        return section
    try:
        data = safeyaml.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}; fix the file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must be a mapping of settings, not a {type(data).__name__}")
    return data


def load_taxonomy(path: Path) -> Taxonomy:
    """`categories:` and `tags:` as lists, or categories as a nested mapping of sub-categories."""
    data = read_config_file(path)

    def flatten(value: Any, prefix: str = "") -> list[str]:
        if isinstance(value, dict):
            out: list[str] = []
            for key, sub in value.items():
                name = f"{prefix}{key}"
                out.append(name)
                out.extend(flatten(sub, f"{name} > "))
            return out
        if isinstance(value, list):
            out = []
            for item in value:
                out.extend(flatten(item, prefix) if isinstance(item, dict) else [f"{prefix}{item}"])
            return out
        return []

    return Taxonomy(flatten(data.get("categories")), flatten(data.get("tags")), str(path))


def _severity(value: Any, key: str) -> Severity | None:
    if value in (None, ""):
        return None
    try:
        return Severity[str(value).upper()]
    except KeyError:
        names = ", ".join(str(s) for s in Severity)
        raise ConfigError(f"`{key}: {value}` is not a severity; use one of {names}") from None


def _as_list(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise ConfigError(f"`{key}` must be a list")


_LIST_KEYS = {"include", "exclude", "rule_packs", "select", "ignore"}
_INTERNAL = {"path", "min_coverage", "from_kb", "trust_kb_config", "warnings"}
_KNOWN = {f.name for f in fields(Config)} - _INTERNAL | {"scorecard", "ready", "extend_exclude"}
PROTECTED = "SEC"  # code prefix of the rules a KB's own config cannot switch off
TRUST_ENV = "KBAUDIT_TRUST_KB_CONFIG"


def build_config(
    data: dict[str, Any], base: Path | None = None, origin: str | None = None
) -> Config:
    """Validate a settings mapping into a Config; relative paths resolve against `base`."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)} in {origin or 'the config'}; "
            "`kbaudit init` writes a commented example of every setting"
        )
    config = Config(path=origin)
    base = base or Path.cwd()
    for key in _LIST_KEYS & data.keys():
        setattr(config, key, _as_list(data[key], key))
    config.exclude += _as_list(data.get("extend_exclude"), "extend_exclude")
    config.rule_packs = [str(base / p) for p in config.rule_packs]
    for key in ("fields", "mapping", "limits", "rules", "per_path_ignores"):
        if key in data:
            if not isinstance(data[key], dict):
                raise ConfigError(f"`{key}` must be a mapping")
            setattr(config, key, dict(data[key]))
    config.per_path_ignores = {
        k: _as_list(v, f"per_path_ignores.{k}") for k, v in config.per_path_ignores.items()
    }
    for key in ("category_from", "date_order", "dates", "base_url", "preset"):
        if data.get(key) is not None:
            setattr(config, key, str(data[key]))
    if config.category_from not in ("auto", "field", "toc", "path", "none"):
        raise ConfigError("`category_from` must be auto, field, toc, path or none")
    if config.date_order not in ("mdy", "dmy"):
        raise ConfigError("`date_order` must be mdy or dmy")
    if config.dates not in ("field", "git", "auto"):
        raise ConfigError("`dates` must be field, git or auto")
    taxonomy = data.get("taxonomy")
    if isinstance(taxonomy, str):
        config.taxonomy = load_taxonomy(base / taxonomy)
    elif isinstance(taxonomy, dict):
        config.taxonomy = Taxonomy(
            _as_list(taxonomy.get("categories"), "taxonomy.categories"),
            _as_list(taxonomy.get("tags"), "taxonomy.tags"),
        )
    elif taxonomy is not None:
        raise ConfigError("`taxonomy` must be a file name or a mapping with categories and tags")
    scorecard = data.get("scorecard") or {}
    if not isinstance(scorecard, dict):
        raise ConfigError("`scorecard` must be a mapping (weights, ready)")
    weights = scorecard.get("weights", data.get("weights"))
    if weights is not None:
        if not isinstance(weights, dict) or set(weights) - set(DIMENSIONS):
            raise ConfigError(f"`scorecard.weights` keys must be among {', '.join(DIMENSIONS)}")
        given = {k: _number(v, f"scorecard.weights.{k}", 0) for k, v in weights.items()}
        config.weights = {**DEFAULT_WEIGHTS, **given}
    ready = scorecard.get("ready", data.get("ready", data.get("ready_score")))
    if ready is not None:
        config.ready_score = _number(ready, "scorecard.ready")
    if scorecard.get("min_coverage") is not None:
        config.min_coverage = _number(scorecard["min_coverage"], "scorecard.min_coverage", 0, 1)
    for key, settings in ANALYSIS_SETTINGS.items():
        if data.get(key) is not None:
            setattr(config, key, _settings(settings, data[key], key))
    config.fail_on = _severity(data.get("fail_on"), "fail_on")
    if data.get("fail_under") is not None:
        config.fail_under = _number(data["fail_under"], "fail_under", 0, 100)
    if data.get("as_of") is not None:
        config.as_of = parse_as_of(data["as_of"])
    if data.get("jobs") is not None:
        config.jobs = _whole(data["jobs"], "jobs")
    if data.get("topics") is not None:
        config.topics = _whole(data["topics"], "topics")
    check_limits(config.limits)
    return config


def _number(value: Any, key: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"`{key}: {value!r}` is not a number; write a number")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number):
        raise ConfigError(f"`{key}: {value!r}` is not a number; write a number")
    if low is not None and number < low:
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ConfigError(f"`{key}: {value!r}` must be {bound}")
    if high is not None and number > high:
        bound = f"between {low:g} and {high:g}" if low is not None else f"at most {high:g}"
        raise ConfigError(f"`{key}: {value!r}` must be {bound}")
    return number


def _whole(value: Any, key: str) -> int:
    number = _number(value, key, 0)
    if not number.is_integer():
        raise ConfigError(f"`{key}: {value!r}` is not a whole number; write one")
    return int(number)


def _settings(kind: type, given: Any, key: str) -> Any:
    """One analysis' settings from its config section, each value checked against the
    default's type."""
    if not isinstance(given, dict):
        raise ConfigError(f"`{key}` must be a mapping of settings")
    defaults = kind()
    names = {f.name for f in fields(kind)}
    unknown = sorted(set(given) - names)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(f'{key}.{u}' for u in unknown)}; "
            f"`{key}` takes {', '.join(sorted(names))}"
        )
    values: dict[str, Any] = {}
    for name, value in given.items():
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            values[name] = tuple(_as_list(value, f"{key}.{name}"))
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"`{key}.{name}: {value!r}` is not true or false")
            values[name] = value
        elif isinstance(default, str):
            values[name] = str(value)
        elif isinstance(default, int):
            values[name] = int(_number(value, f"{key}.{name}", 0))
        else:
            values[name] = _number(value, f"{key}.{name}", 0)
    return replace(defaults, **values)


def parse_as_of(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"--as-of {value!r} is not a date; write YYYY-MM-DD") from None


def covers_security(pattern: str) -> bool:
    """Whether a select/ignore entry (code, code prefix, name, category or ALL) names at least
    one security rule."""
    p = pattern.strip()
    up = p.upper()
    return (
        up == "ALL"
        or (up[:1] == PROTECTED[:1] and (up.startswith(PROTECTED) or PROTECTED.startswith(up)))
        or p == "security"
        or p.startswith("security.")
        or (p.endswith("*") and "security.".startswith(p.rstrip("*")))
    )


def _keep_security_on(config: Config) -> None:
    """Undo what a KB-supplied config does to security rules, with one warning per change."""
    where = config.path or "the KB's config"
    fix = f"pass it with --config, --trust-kb-config or {TRUST_ENV}=1 if you trust it"

    def note(what: str) -> None:
        config.warnings.append(f"{where} is inside the audited KB: {what} ignored; {fix}")

    dropped = [p for p in config.ignore if covers_security(p)]
    if dropped:
        config.ignore = [p for p in config.ignore if not covers_security(p)]
        note(f"`ignore: {dropped}`")
    if config.select and not any(covers_security(p) for p in config.select):
        config.select = [*config.select, PROTECTED]
        note("a `select:` without the security rules")
    for glob, codes in config.per_path_ignores.items():
        if any(covers_security(c) for c in codes):
            config.per_path_ignores[glob] = [c for c in codes if not covers_security(c)]
            note(f"`per_path_ignores` of security rules for {glob!r}")
    for code in [c for c in config.rules if str(c).upper().startswith(PROTECTED)]:
        del config.rules[code]
        note(f"`rules: {{{code}: ...}}` (security rules keep their packaged settings)")


def load_config(
    kb_path: Path, config_path: Path | None = None, trust_kb_config: bool | None = None
) -> Config:
    """--config wins; else the closest config file above the audited folder; else defaults.

    A config found inside the audited folder cannot switch off security rules unless
    `trust_kb_config` (default: the KBAUDIT_TRUST_KB_CONFIG environment variable) says so."""
    trust = (
        os.environ.get(TRUST_ENV, "").strip().lower() in ("1", "true", "yes")
        if trust_kb_config is None
        else trust_kb_config
    )
    path = config_path or find_config(kb_path)
    if path is None:
        return Config(trust_kb_config=trust)
    data = read_config_file(path)
    try:
        config = build_config(data, path.parent, str(path))
    except ConfigError as exc:  # name the file the setting is in
        if str(path) in str(exc):
            raise
        raise ConfigError(f"{path}: {exc}") from None
    config.trust_kb_config = trust
    root = kb_path.resolve()
    config.from_kb = (
        config_path is None and root.is_dir() and path.resolve().parent.is_relative_to(root)
    )
    if config.from_kb and not trust:
        _keep_security_on(config)
    return config

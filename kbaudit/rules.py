"""Rules: check kinds in code (the registry), rule instances as YAML data (rule packs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kbaudit import safeyaml
from kbaudit.config import ANALYSIS_SETTINGS
from kbaudit.errors import RuleError
from kbaudit.model import Article, Finding, Related, Severity

if TYPE_CHECKING:
    from kbaudit.analysis import Analysis
    from kbaudit.config import Config
    from kbaudit.corpus import Corpus

CATEGORIES = ("staleness", "duplicates", "coverage", "taxonomy", "quality", "security", "input")
ENTRY_POINT_GROUP = "kbaudit.checks"


@dataclass(frozen=True)
class Param:
    default: Any
    help: str


@dataclass(frozen=True)
class Rule:
    """One configured rule: what to look for (kind + params), how severe, what to say."""

    code: str
    name: str
    kind: str
    category: str
    severity: Severity
    summary: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    docs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    enabled: bool = True
    pack: str = "default"


@dataclass
class Context:
    """What a check sees while it runs one rule."""

    rule: Rule
    corpus: Corpus
    config: Config
    today: dt.date
    analysis: Analysis | None = None  # the analyses the rule's kind declared in `needs`

    @property
    def params(self) -> dict[str, Any]:
        return self.rule.params

    def finding(
        self,
        article: Article | None,
        message: str,
        *,
        line: int | None = None,
        path: str | None = None,
        related: Iterable[Related] = (),
        data: dict[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            rule=self.rule.code,
            name=self.rule.name,
            category=self.rule.category,
            severity=self.rule.severity,
            message=message,
            article=article,
            path=path if path is not None else (article.path if article else None),
            line=line,
            related=tuple(related),
            data=data or {},
        )


ArticleCheck = Callable[[Article, Context], Iterable[Finding]]
CorpusCheck = Callable[["Corpus", Context], Iterable[Finding]]


CacheInputs = Callable[[Context], object]


def article_only(ctx: Context) -> None:
    """`CheckKind.cached_with` of a kind whose findings depend on the article and the rule
    alone."""
    return None


def corpus_only(ctx: Context) -> None:
    """`CheckKind.cached_with` of a corpus-wide kind whose findings depend on the corpus
    (every article, the KB's files, base URL and format), the analyses in its `needs` and
    the rule alone."""
    return None


# A page other articles are filed under with fewer words than this holds no answer of its
# own (a Hugo `_index.md`, a Jekyll category page): its date, owner and tags matter to nobody.
EMPTY_SECTION_WORDS = 15
SKIP_EMPTY_SECTIONS = Param(
    True,
    f"leave alone pages other articles are filed under (a section's index or category page) "
    f"with fewer than {EMPTY_SECTION_WORDS} words of their own",
)


def empty_section(article: Article, ctx: Context) -> bool:
    """Whether `skip_empty_sections` leaves the article alone."""
    return (
        bool(ctx.params.get("skip_empty_sections"))
        and article.word_count < EMPTY_SECTION_WORDS
        and article.ref in ctx.corpus.section_pages
    )


def empty_sections(ctx: Context) -> list[str]:
    """`CheckKind.cached_with` of a kind with `skip_empty_sections`: whether an article is a
    section page depends on the other articles."""
    return sorted(ctx.corpus.section_pages) if ctx.params.get("skip_empty_sections") else []


def as_of(ctx: Context) -> str:
    """`CheckKind.cached_with` of a kind whose findings also depend on the date the audit
    runs as of (ages, passed dates, expired tokens)."""
    return ctx.today.isoformat()


@dataclass(frozen=True)
class CheckKind:
    """How to look: per-article (`check`) or corpus-wide (`check_corpus`), with parameters.
    `needs` names the analyses (duplicates, topics, coverage) a corpus-wide check reads from
    `ctx.analysis`; their settings live in the config's section of the same name.

    `cached_with` says that a kind's findings may be kept in the incremental cache and
    reused for an unchanged article (per-article kinds) or an unchanged corpus and analyses
    (corpus-wide kinds), and what they depend on besides that and the rule (its kind,
    params, severity and pack): `article_only`, `corpus_only`, `as_of`, or a function of the
    context giving the config values (or, per article, corpus values) the check reads, with
    a stable repr (sorted lists, no sets); a change of that value is a cache miss. None (the
    default, and for plugins that do not declare it): computed on every run.

    `fragments` says that the kind judges an article's text itself (a secret, a placeholder,
    a link), so its findings stand on a fragment too: a file other pages include
    (`Article.meta["included_by"]`), which has no title, date, owner or place of its own."""

    name: str
    summary: str
    params: dict[str, Param] = field(default_factory=dict)
    check: ArticleCheck | None = None
    check_corpus: CorpusCheck | None = None
    needs: tuple[str, ...] = ()
    cached_with: CacheInputs | None = None
    fragments: bool = False


class Registry:
    """Check kinds by name; built-in and plugin kinds arrive through `add`."""

    def __init__(self) -> None:
        self.kinds: dict[str, CheckKind] = {}

    def add(self, kind: CheckKind) -> None:
        if kind.name in self.kinds:
            raise RuleError(f"check kind {kind.name!r} is registered twice")
        if (kind.check is None) == (kind.check_corpus is None):
            raise RuleError(f"check kind {kind.name!r} needs exactly one of check/check_corpus")
        self.kinds[kind.name] = kind

    def get(self, name: str) -> CheckKind:
        try:
            return self.kinds[name]
        except KeyError:
            raise RuleError(
                f"unknown check kind {name!r}; known kinds: {', '.join(sorted(self.kinds))}"
            ) from None


def build_registry(plugins: bool = True) -> Registry:
    """Register the built-in kinds, then every `kbaudit.checks` entry point, the same way."""
    from kbaudit.checks import BUILTIN_MODULES

    registry = Registry()
    for module in BUILTIN_MODULES:
        module.register(registry)
    if plugins:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                hook = ep.load()
                hook(registry)
            except RuleError:
                raise
            except Exception as exc:
                raise RuleError(f"check plugin {ep.name!r} ({ep.value}) failed: {exc}") from exc
    return registry


def default_pack_dir() -> Path:
    """The shipped rule packs: inside the installed wheel, or `rules/` in a source checkout."""
    packaged = resources.files("kbaudit") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


def _parse_rule(item: Any, pack: str, registry: Registry) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(f"{pack}: every rule must be a mapping, got {item!r}")
    missing = [
        k for k in ("code", "name", "kind", "category", "severity", "summary") if k not in item
    ]
    if missing:
        raise RuleError(f"{pack}: rule {item.get('code', '?')} lacks {', '.join(missing)}")
    code = str(item["code"]).upper()
    kind = registry.get(str(item["kind"]))
    if item["category"] not in CATEGORIES:
        raise RuleError(
            f"{pack}: rule {code} has category {item['category']!r}; "
            f"use one of {', '.join(CATEGORIES)}"
        )
    try:
        severity = Severity[str(item["severity"]).upper()]
    except KeyError:
        raise RuleError(f"{pack}: rule {code} has unknown severity {item['severity']!r}") from None
    params = {name: p.default for name, p in kind.params.items()}
    given = item.get("params") or {}
    _check_params(f"{pack}: rule {code}", kind, given)
    params.update(given)
    docs = {k: str(v).strip() for k, v in (item.get("docs") or {}).items()}
    return Rule(
        code,
        str(item["name"]),
        kind.name,
        str(item["category"]),
        severity,
        str(item["summary"]).strip(),
        params,
        docs,
        bool(item.get("enabled", True)),
        pack,
    )


def load_pack(path: Path, registry: Registry) -> list[Rule]:
    try:
        data = safeyaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule pack {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"rule pack {path} is not valid YAML: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("rules")
    if not isinstance(data, list):
        raise RuleError(f"rule pack {path} must be a list of rules (or `rules:` with a list)")
    return [_parse_rule(item, path.name, registry) for item in data]


def load_rules(config: Config, registry: Registry, kb_root: Path | None = None) -> list[Rule]:
    """Default packs, then config `rule_packs`, then `.kbaudit/rules/*.yaml` in the KB;
    a later rule with the same code replaces the earlier one. Config overrides last."""
    paths = sorted(default_pack_dir().glob("*.yaml"))
    paths += [Path(p) for p in config.rule_packs]
    from_kb = set(paths[len(paths) - len(config.rule_packs) :]) if config.from_kb else set()
    if kb_root is not None and (kb_root / ".kbaudit" / "rules").is_dir():
        found = sorted((kb_root / ".kbaudit" / "rules").glob("*.y*ml"))
        paths += found
        from_kb.update(found)
    rules: dict[str, Rule] = {}
    for path in paths:
        if not path.is_file():
            raise RuleError(f"rule pack {path} does not exist; fix `rule_packs` in the config")
        for rule in load_pack(path, registry):
            if path in from_kb and not config.trust_kb_config and rule.code.startswith("SEC"):
                config.warnings.append(
                    f"rule pack {path} is inside the audited KB: its {rule.code} is ignored "
                    "(security rules keep their packaged definition); set "
                    "--trust-kb-config or KBAUDIT_TRUST_KB_CONFIG=1 if you trust it"
                )
                continue
            rules[rule.code] = rule
    for code, override in config.rules.items():
        known = rules.get(str(code).upper())
        if known is None:
            raise RuleError(f"config `rules:` names {code}, which no rule pack defines")
        rules[known.code] = _override(known, override or {}, registry)
    return sorted(rules.values(), key=lambda r: r.code)


def _override(rule: Rule, override: dict[str, Any], registry: Registry) -> Rule:
    changes: dict[str, Any] = {}
    if "severity" in override:
        try:
            changes["severity"] = Severity[str(override["severity"]).upper()]
        except KeyError:
            raise RuleError(
                f"rules.{rule.code}.severity: unknown {override['severity']!r}"
            ) from None
    if "enabled" in override:
        changes["enabled"] = bool(override["enabled"])
    params = override.get(
        "params", {k: v for k, v in override.items() if k not in ("severity", "enabled")}
    )
    _check_params(f"rules.{rule.code}", registry.get(rule.kind), params)
    if params:
        changes["params"] = {**rule.params, **params}
    return replace(rule, **changes)


def analysis_settings(kind: CheckKind, config: Config) -> dict[str, dict[str, Any]]:
    """The config settings of the analyses a kind reads, as in effect: section -> values."""
    out: dict[str, dict[str, Any]] = {}
    for analysis in kind.needs:
        settings = getattr(config, analysis, None)
        if analysis in ANALYSIS_SETTINGS and settings is not None:
            out[analysis] = {f.name: getattr(settings, f.name) for f in fields(settings)}
    return out


def _check_params(where: str, kind: CheckKind, given: dict[str, Any]) -> None:
    """Unknown parameters are errors; a setting of an analysis the kind reads points to the
    config section where it lives (one place for COV001 and COV002, DUP001 to DUP004)."""
    unknown = sorted(set(given) - set(kind.params))
    if not unknown:
        return
    for analysis in kind.needs:
        settings = ANALYSIS_SETTINGS.get(analysis)
        shared = [u for u in unknown if settings and u in {f.name for f in fields(settings)}]
        if shared:
            raise RuleError(
                f"{where}: {', '.join(shared)} is a setting of the {analysis} analysis that "
                f"every rule reading it shares; set it once in the config as "
                + ", ".join(f"`{analysis}.{u}`" for u in shared)
            )
    raise RuleError(
        f"{where}: unknown parameter(s) {', '.join(unknown)} for kind {kind.name}; "
        f"it takes {', '.join(kind.params) or 'none'}"
    )


def _matches(rule: Rule, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        p = pattern.strip()
        if p.upper() == "ALL" or rule.code.startswith(p.upper()) or p in (rule.name, rule.category):
            return True
        if rule.name.startswith(p.rstrip("*")) and p.endswith("*"):
            return True
    return False


def suggest(wanted: str, rules: Iterable[Rule]) -> str:
    """The rule code, name or category closest to `wanted`, as "; did you mean X?" (or "")."""
    from difflib import get_close_matches

    rules = list(rules)
    names = [r.code for r in rules] + [r.name for r in rules] + sorted({r.category for r in rules})
    by_lower = {name.lower(): name for name in names}
    close = get_close_matches(wanted.lower(), list(by_lower), n=1, cutoff=0.5)
    return f"; did you mean {by_lower[close[0]]}?" if close else ""


def check_selection(rules: list[Rule], patterns: Iterable[str], key: str) -> None:
    """A code, prefix, name or category that matches no rule is a typo, not an empty run."""
    for pattern in patterns:
        if not any(_matches(rule, [pattern]) for rule in rules):
            raise RuleError(
                f"{key}: {pattern!r} matches no rule{suggest(pattern.strip(), rules)} "
                "(`kbaudit rules` lists them)"
            )


def select_rules(rules: list[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    """ruff-style selection: codes, code prefixes, names, categories or ALL. A pattern that
    matches no rule is refused with the closest rule as a suggestion."""
    check_selection(rules, select, "select")
    check_selection(rules, ignore, "ignore")
    chosen = []
    for rule in rules:
        picked = _matches(rule, select) if select else rule.enabled
        if picked and not _matches(rule, ignore):
            chosen.append(rule)
    return chosen


def ignored_by_path(path: str | None, code: str, per_path: dict[str, list[str]]) -> bool:
    from kbaudit.sources.tree import glob_match

    if not path:
        return False
    for pattern, codes in per_path.items():
        in_scope = glob_match(path, [pattern])
        if in_scope and any(code.startswith(c.upper()) or c.upper() == "ALL" for c in codes):
            return True
    return False

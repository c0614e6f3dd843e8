"""`kbaudit calibrate PATH --questions FILE`: the coverage cut from questions a person has
labelled answered or not. How customers word their questions moves every score (commands to
an assistant score lower against how-to articles than questions do), so the default cut may
call most questions gaps on one KB and miss gaps on another; twenty or more labelled
questions tell where the cut belongs, best labelled inside the whole question log, which is
scored together as the gap list scores it. Prints the precision and recall of the gap list at
each cut and the `coverage:` line of the cut with the best F1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from kbaudit.cli.audit import inputs
from kbaudit.cli.common import (
    CacheDirOpt,
    ConfigOpt,
    DebugOpt,
    InputFormatOpt,
    ModelOpt,
    NoCacheOpt,
    OutputOpt,
    PathArg,
    QuietOpt,
    SemanticOpt,
    TextColumnOpt,
    cache_options,
    check_output,
    handled,
    interactive,
    load,
    matching_options,
    out,
    progress_display,
)
from kbaudit.errors import SourceError

LabelsOpt = Annotated[
    Path,
    typer.Option(
        "--questions",
        help="Questions, some labelled: CSV with a header, JSON Lines or a JSON list of "
        "objects; a question and, where given, whether an article answers it (yes/no). "
        "Unlabelled rows are scored with the rest, as in the gap list, and not counted.",
    ),
]
LabelColumnOpt = Annotated[
    str,
    typer.Option("--label-column", help="Column saying whether the question is answered (yes/no)."),
]
CUTS = [round(0.05 + 0.01 * i, 2) for i in range(56)]  # 0.05 to 0.60
FEW_LABELS = 20  # fewer labelled questions than this give a rough cut


def cut_table(scores: list[float], answered: list[bool]) -> list[dict[str, float]]:
    """Per cut: precision, recall and F1 of calling a question not covered (score under the
    cut) against its label, and the share of questions called so."""
    table = []
    gaps = sum(1 for a in answered if not a)
    for cut in CUTS:
        called = [s < cut for s in scores]
        hits = sum(1 for c, a in zip(called, answered, strict=True) if c and not a)
        precision = hits / sum(called) if any(called) else 1.0
        recall = hits / gaps if gaps else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table.append(
            {
                "cut": cut,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
                "called_gaps": round(sum(called) / len(called), 3),
            }
        )
    return table


def best_cut(table: list[dict[str, float]], current: float) -> dict[str, float]:
    """The row with the best F1; of equal ones, the cut nearest the current one."""
    return max(table, key=lambda row: (row["f1"], -abs(row["cut"] - current)))


def calibrate_cmd(
    path: PathArg,
    questions_path: LabelsOpt,
    label_column: LabelColumnOpt = "answered",
    text_column: TextColumnOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    semantic: SemanticOpt = None,
    model: ModelOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Choose the coverage cut from questions labelled answered or not."""
    from rich.table import Table
    from rich.text import Text

    from kbaudit.sources.questions import load_labelled  # a reader: not for `--help`

    with handled(debug):
        config = load(path, config_path, **cache_options(path, cache_dir, no_cache))
        if output is not None:
            check_output(output, inputs(path, config, questions_path))
        matching_options(config, semantic, model)
        labelled = load_labelled(questions_path, text_column, label_column)
        if all(a is None for a in labelled.answered):
            raise SourceError(
                f"{questions_path}: no row has both a question and a yes/no '{label_column}'"
            )
        report, mode = _scores(path, config, input_format, labelled.texts, quiet)
        scores, answered = labelled.counted([r.score for r in report])
        table = cut_table(scores, answered)
        current = config.coverage.covered
        best = best_cut(table, current)
        ratio = config.coverage.partial / current if current else 0.7
        partial = round(best["cut"] * ratio, 2)
        at_current = min(table, key=lambda row: abs(row["cut"] - current))
        shown = Table(title=f"Gap list against {len(scores)} labelled questions ({mode})")
        for name in ("cut", "precision", "recall", "F1", "called gaps"):
            shown.add_column(name, justify="right")
        for row in table:
            if round(row["cut"] * 100) % 5 and row not in (best, at_current):
                continue
            mark = " best" if row is best else (" now" if row is at_current else "")
            shown.add_row(
                f"{row['cut']:.2f}{mark}",
                f"{row['precision']:.3f}",
                f"{row['recall']:.3f}",
                f"{row['f1']:.3f}",
                f"{row['called_gaps']:.0%}",
            )
        out.print(shown)
        gaps = answered.count(False)
        out.print(
            Text(
                f"{gaps} of {len(scores)} labelled questions are gaps "
                f"({len(labelled.texts)} questions scored together; {labelled.skipped} rows "
                "without a question, or with a label other than yes or no, skipped)."
            )
        )
        if len(scores) < FEW_LABELS or gaps in (0, len(scores)):
            out.print(
                Text(
                    f"Label at least {FEW_LABELS} questions, some answered and some not, "
                    "for a cut to rely on.",
                    style="yellow",
                )
            )
        out.print(
            Text(f"In the config:\ncoverage: {{covered: {best['cut']:g}, partial: {partial:g}}}")
        )
        if output is not None:
            data = {
                "mode": mode,
                "best": best,
                "partial": partial,
                "current": current,
                "cuts": table,
            }
            output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _scores(
    path: Path, config: Any, input_format: str | None, texts: list[str], quiet: bool
) -> tuple[list[Any], str]:
    """Each question's coverage result (its score decides its status), and the mode."""
    from kbaudit.analysis import analyse
    from kbaudit.audit import load_corpus
    from kbaudit.model import Question

    with progress_display(interactive(quiet)) as progress:
        corpus = load_corpus(path, config, input_format, [Question(t) for t in texts], progress)
        coverage = analyse(corpus, config, ["coverage"], progress).coverage
    assert coverage is not None
    return list(coverage.report.results), coverage.report.mode

"""JUnit XML for CI test tabs: one testcase per rule; a rule with findings fails and its
failure lists them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from kbaudit.model import Finding
from kbaudit.reporters.escape import xml_text

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult


def _line(finding: Finding) -> str:
    where = finding.where or "(knowledge base)"
    if finding.line:
        where += f":{finding.line}"
    return xml_text(f"{where}: [{finding.severity}] {finding.message}")


def junit_tree(result: AuditResult) -> ET.Element:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule[f.rule].append(f)
    cases: list[tuple[str, str, str, list[Finding]]] = [
        (r.code, r.name, r.category, by_rule.pop(r.code, [])) for r in result.rules
    ]
    cases += [(code, fs[0].name, fs[0].category, fs) for code, fs in sorted(by_rule.items())]
    failures = sum(1 for *_, fs in cases if fs)
    card = result.scorecard
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "kbaudit", **counts})
    suite = ET.SubElement(
        root, "testsuite", {"name": xml_text(f"kbaudit {result.source_path}"), **counts}
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("readiness", f"{card.score:.1f}"),
        ("grade", card.grade),
        ("ready", str(card.ready).lower()),
        ("articles", str(result.articles)),
    ):
        ET.SubElement(props, "property", {"name": name, "value": value})
    for code, name, category, found in cases:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": xml_text(f"kbaudit.{category}"), "name": xml_text(f"{code} {name}")},
        )
        if found:
            worst = max(f.severity for f in found)
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": xml_text(f"{len(found)} finding(s) for {code} {name}"),
                    "type": str(worst),
                },
            )
            failure.text = "\n".join(_line(f) for f in found)
    return root


def render(result: AuditResult) -> str:
    root = junit_tree(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"

"""`python -m tests.support.layer_summary DIR LAYER...`: one line per test layer from the JUnit
reports scripts/test.sh leaves in DIR, then the total. Exits 1 when any layer failed, errored,
ran no test, or has no report (its pytest crashed or timed out), so a layer that silently did
nothing is a red run, not a green one."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0


def read_report(path: Path) -> Counts:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    counts = Counts()
    for suite in suites:
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        counts.passed += tests - skipped - failed
        counts.failed += failed
        counts.skipped += skipped
        counts.seconds += float(suite.get("time", 0.0))
    return counts


def _exit_code(directory: Path, layer: str) -> int | None:
    path = directory / f"{layer}.rc"
    return int(path.read_text().strip() or 1) if path.exists() else None


def summarise(directory: Path, layers: list[str]) -> tuple[list[str], bool]:
    lines, ok, total = [], True, Counts()
    for layer in layers:
        report, code = directory / f"{layer}.xml", _exit_code(directory, layer)
        if not report.exists():
            lines.append(f"{layer:>13}: NO REPORT (pytest exit {code}: crashed, timed out or found no tests)")
            ok = False
            continue
        counts = read_report(report)
        problem = ""
        if counts.failed:
            problem = "  <- FAILED"
        elif counts.passed == 0:
            problem = "  <- ran no test"
        elif code not in (0, None):
            problem = f"  <- pytest exit {code}"
        ok = ok and not problem
        total.passed += counts.passed
        total.failed += counts.failed
        total.skipped += counts.skipped
        total.seconds += counts.seconds
        lines.append(
            f"{layer:>13}: {counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped"
            f" in {counts.seconds:.0f} s{problem}"
        )
    lines.append(f"total: {total.passed} passed, {total.failed} failed, {total.skipped} skipped")
    return lines, ok


def main(argv: list[str]) -> int:
    directory, layers = Path(argv[0]), argv[1:]
    lines, ok = summarise(directory, layers)
    print("\n=== test layers", *lines, sep="\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

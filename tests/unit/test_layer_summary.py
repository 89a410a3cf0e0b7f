"""The per-layer summary at the end of `make test` turns a silent layer into a red run."""

from __future__ import annotations

from pathlib import Path

from tests.support.layer_summary import main, summarise


def _report(
    directory: Path, layer: str, *, tests: int, failures: int = 0, errors: int = 0, skipped: int = 0, rc: int = 0
) -> None:
    (directory / f"{layer}.xml").write_text(
        f'<?xml version="1.0"?><testsuites><testsuite name="{layer}" tests="{tests}" failures="{failures}" '
        f'errors="{errors}" skipped="{skipped}" time="12.5"/></testsuites>'
    )
    (directory / f"{layer}.rc").write_text(f"{rc}\n")


def test_green_layers_give_one_line_each_and_a_total(tmp_path, capsys):
    _report(tmp_path, "unit", tests=10, skipped=1)
    _report(tmp_path, "e2e", tests=3)
    lines, ok = summarise(tmp_path, ["unit", "e2e"])
    assert ok
    assert lines[0].strip() == "unit: 9 passed, 0 failed, 1 skipped in 12 s"
    assert lines[-1] == "total: 12 passed, 0 failed, 1 skipped"
    assert main([str(tmp_path), "unit", "e2e"]) == 0
    assert "total: 12 passed, 0 failed, 1 skipped" in capsys.readouterr().out


def test_a_failure_or_an_error_is_red(tmp_path):
    _report(tmp_path, "unit", tests=10, failures=1, rc=1)
    _report(tmp_path, "integration", tests=5, errors=2, rc=1)
    lines, ok = summarise(tmp_path, ["unit", "integration"])
    assert not ok
    assert lines[-1] == "total: 12 passed, 3 failed, 0 skipped"


def test_a_layer_that_ran_nothing_or_left_no_report_is_red(tmp_path):
    _report(tmp_path, "unit", tests=4)
    _report(tmp_path, "multiprocess", tests=2, skipped=2)
    lines, ok = summarise(tmp_path, ["unit", "multiprocess", "devmode"])
    assert not ok
    assert "ran no test" in lines[1] and "NO REPORT" in lines[2]


def test_a_crashed_pytest_is_red_even_with_a_clean_report(tmp_path):
    _report(tmp_path, "sandbox", tests=4, rc=124)  # timeout(1) killed it after the report was written
    assert not summarise(tmp_path, ["sandbox"])[1]

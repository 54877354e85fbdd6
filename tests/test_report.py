"""The benchmark reporter: verdicts at the bar, records that round-trip, --strict that fails."""
import ast
import json
import math
from pathlib import Path

import pytest
import torch

from worldmodels.measure import report as report_module
from worldmodels.measure.report import Report

BENCHMARKS = sorted((Path(__file__).parents[1] / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("bar, value, verdict", [
    ({"at_least": 1.0}, 1.0, "PASS"), ({"at_least": 1.0}, 0.999, "MISS"),
    ({"at_most": 1.0}, 1.0, "PASS"), ({"at_most": 1.0}, 1.001, "MISS"),
    ({"above": 1.0}, 1.0, "MISS"), ({"above": 1.0}, 1.001, "PASS"),
    ({"below": 1.0}, 1.0, "MISS"), ({"below": 1.0}, 0.999, "PASS"),
])
def test_verdict_at_the_bar(bar, value, verdict):
    assert Report("t").target("x", value, **bar) == verdict


def test_a_number_that_is_not_finite_misses_and_is_recorded_as_null():
    r = Report("t")
    assert r.target("diverged", math.nan, at_most=1.0) == "MISS"
    assert r.target("diverged", math.inf, at_least=0.0) == "MISS"
    assert [f["value"] for f in r.figures] == [None, None]


def test_record_round_trips_through_json(tmp_path, capsys):
    path = tmp_path / "results" / "t.json"
    r = Report("t", json_path=path)
    r.figure("seconds", 2.5, unit="s")
    r.target("error", torch.tensor(0.01), at_most=0.05)
    r.target("speed", 3, at_least=10)
    r.finish()
    record = json.loads(path.read_text())
    assert record["benchmark"] == "t" and (record["passed"], record["missed"]) == (1, 1)
    assert record["figures"][0] == {"name": "seconds", "value": 2.5, "unit": "s"}
    assert record["figures"][1]["bar"] == {"at_most": 0.05}
    assert record["machine"]["cpu_cores"] >= 1 and record["date"][:2] == "20"
    out = capsys.readouterr().out
    assert "PASS  error: 0.01 (bar <= 0.05)" in out and "MISS  speed: 3 (bar >= 10)" in out


def test_the_appendix_rows_carry_every_figure_with_its_bar_and_verdict(tmp_path):
    r = Report("t", json_path=tmp_path / "t.json")
    r.figure("seconds", 2.5, unit="s")
    r.target("error", 0.01, at_most=0.05)
    r.target("rate", float("nan"), at_least=0.9)
    record = r.finish()
    assert report_module.figure_rows(record) == [
        ["seconds", "2.5 s", "", ""], ["error", "0.01", "<= 0.05", "PASS"],
        ["rate", "not a number", ">= 0.9", "MISS"]]
    line = report_module.describe_run(record)
    assert record["date"][:10] in line and f"{record['machine']['cpu_cores']} CPU cores" in line


def test_strict_exits_one_only_on_a_miss():
    r, _ = Report.from_command_line("t", __import__("argparse").ArgumentParser(), ["--strict"])
    r.target("fine", 1.0, at_least=0.0)
    r.finish()                                     # all pass: returns
    r.target("bad", 0.0, at_least=1.0)
    with pytest.raises(SystemExit) as stop:
        r.finish()
    assert stop.value.code == 1


def test_collector_sums_the_records_and_is_strict_on_request(tmp_path, capsys):
    for name, value in (("a", 1.0), ("b", 0.0)):
        r = Report(name, json_path=tmp_path / f"{name}.json")
        r.target("x", value, at_least=0.5)
        r.finish()
    assert report_module.main([str(tmp_path)]) == 0
    assert "2 records, 1 of 2 targets PASS" in capsys.readouterr().out
    assert report_module.main([str(tmp_path), "--strict"]) == 1


@pytest.mark.parametrize("call, message", [
    (lambda r: r.target("x", 1.0), "exactly one bar"),
    (lambda r: r.target("x", 1.0, at_most=1, at_least=0), "exactly one bar"),
    (lambda r: r.target("x", 1.0, within=1), "exactly one bar"),
    (lambda r: r.figure("x", "fast"), "'x' must be a number"),
    (lambda r: r.figure("x", torch.ones(3)), "'x' must be one number"),
])
def test_bad_input_names_the_figure(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call(Report("t"))


def test_missing_folder_is_named():
    with pytest.raises(FileNotFoundError, match="nowhere"):
        report_module.load_records("nowhere")


def test_every_benchmark_script_reports_through_the_reporter():
    """Each script parses its command line with Report.from_command_line (which gives it
    --strict and --json) and ends with report.finish() (which judges, records and exits)."""
    assert len(BENCHMARKS) >= 10
    for script in BENCHMARKS:
        calls = {(node.func.value.id, node.func.attr) for node in ast.walk(ast.parse(script.read_text()))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and isinstance(node.func.value, ast.Name)}
        assert ("Report", "from_command_line") in calls, script.name
        assert ("report", "finish") in calls, script.name

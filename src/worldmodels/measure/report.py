"""A benchmark's report: each target judged PASS or MISS, and one JSON record of every figure.

Every script in `benchmarks/` reports through a `Report`, so all of them read and fail alike:

    parser = argparse.ArgumentParser()
    report, args = Report.from_command_line("physics_sysid", parser)  # adds --strict, --json
    report.figure("fit seconds, seed 0", 3.1, unit="s")         # a number worth keeping
    report.target("largest parameter error", 0.012, at_most=0.05)  # a number with a bar
    report.finish()   # prints the targets; writes the record; --strict: exit 1 on a miss

The record (`--json PATH`) holds the machine, the date, the command and every figure with its
bar and verdict: `make benchmark` collects one per script in `benchmarks/results/`, and the
book's performance appendix and Part 6's benchmark read them instead of numbers typed in.

    python -m worldmodels.measure.report benchmarks/results      # one table of every record
    python -m worldmodels.measure.report benchmarks/results --strict   # exit 1 on any miss
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import torch

# A bar's name, how the measured value must compare with it, and the sign printed for it.
BARS = {"at_least": (lambda value, bar: value >= bar, ">="),
        "at_most": (lambda value, bar: value <= bar, "<="),
        "above": (lambda value, bar: value > bar, ">"),
        "below": (lambda value, bar: value < bar, "<")}


def machine() -> dict:
    """What the figures were measured on: they mean little without it."""
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "load_average": round(os.getloadavg()[0], 2)}


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None   # JSON has no NaN; null says "not a number"


class Report:
    """Collects one benchmark run's figures; `finish` judges, prints and records them."""

    def __init__(self, name: str, strict: bool = False, json_path: str | Path | None = None):
        if not name or not isinstance(name, str):
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        self.name, self.strict = name, strict
        self.json_path = Path(json_path) if json_path else None
        self.figures: list[dict] = []
        self.date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        self.machine = machine()
        self._start = time.perf_counter()

    @classmethod
    def from_command_line(cls, name: str, parser: argparse.ArgumentParser,
                          argv: list[str] | None = None) -> tuple[Report, argparse.Namespace]:
        """Adds --strict and --json to the script's `parser`, parses, and returns (report, args)."""
        parser.add_argument("--strict", action="store_true",
                            help="exit with status 1 if any target is missed")
        parser.add_argument("--json", metavar="PATH", help="write the record of every figure to PATH")
        args = parser.parse_args(argv)
        return cls(name, strict=args.strict, json_path=args.json), args

    def figure(self, name: str, value: float, unit: str = "") -> float:
        """Records a measured number without a bar; returns it."""
        value = self._number(name, value)
        self.figures.append({"name": name, "value": _finite_or_none(value), "unit": unit})
        return value

    def target(self, name: str, value: float, unit: str = "", **bar: float) -> str:
        """Records `value` against one bar (at_least=, at_most=, above= or below=).

        Returns "PASS" or "MISS", for a script's own table; a value that is not finite misses.
        """
        if len(bar) != 1 or next(iter(bar)) not in BARS:
            raise TypeError(f"target {name!r} needs exactly one bar of {', '.join(BARS)}, "
                            f"got {sorted(bar) or 'none'}")
        (kind, limit), = bar.items()
        limit = self._number(f"{name} ({kind})", limit)
        value = self._number(name, value)
        holds, _ = BARS[kind]
        verdict = "PASS" if math.isfinite(value) and holds(value, limit) else "MISS"
        self.figures.append({"name": name, "value": _finite_or_none(value), "unit": unit,
                             "bar": {kind: limit}, "verdict": verdict})
        return verdict

    @property
    def targets(self) -> list[dict]:
        return [f for f in self.figures if "verdict" in f]

    @property
    def missed(self) -> list[dict]:
        return [t for t in self.targets if t["verdict"] == "MISS"]

    def record(self) -> dict:
        """The JSON-ready record of this run."""
        return {"benchmark": self.name, "date": self.date,
                "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                "seconds": round(time.perf_counter() - self._start, 1), "machine": self.machine,
                "passed": len(self.targets) - len(self.missed), "missed": len(self.missed),
                "figures": self.figures}

    def finish(self) -> dict:
        """Prints every target's verdict, writes the record, and with --strict exits 1 on a miss."""
        print(f"\ntargets of {self.name}")
        for t in self.targets:
            print("  " + format_target(t))
        record = self.record()
        print(f"{record['passed']} of {len(self.targets)} targets PASS")
        if self.json_path:
            self.json_path.parent.mkdir(parents=True, exist_ok=True)
            self.json_path.write_text(json.dumps(record, indent=1) + "\n")
            print(f"wrote {self.json_path}")
        if self.strict and self.missed:
            sys.exit(1)
        return record

    @staticmethod
    def _number(name: str, value) -> float:
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise ValueError(f"figure {name!r} must be one number, got a tensor of shape "
                                 f"{tuple(value.shape)}")
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"figure {name!r} must be a number, got {type(value).__name__}")
        return float(value)


def format_number(value: float | None) -> str:
    if value is None:
        return "not a number"
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


def format_target(t: dict) -> str:
    """One line: the verdict, the name, the measured value and its bar."""
    (kind, limit), = t["bar"].items()
    unit = f" {t['unit']}" if t["unit"] else ""
    return (f"{t['verdict']}  {t['name']}: {format_number(t['value'])}{unit} "
            f"(bar {BARS[kind][1]} {format_number(limit)}{unit})")


def load_records(folder: str | Path) -> list[dict]:
    """Every benchmark record in `folder`, by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {str(folder)!r} does not exist")
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def find_record(name: str, start: str | Path = ".") -> dict | None:
    """The record `benchmarks/results/NAME.json` of the checkout that `start` lies in (its
    folder or one above it); None outside a checkout, where no benchmark has been run."""
    for folder in [Path(start).resolve(), *Path(start).resolve().parents]:
        path = folder / "benchmarks" / "results" / f"{name}.json"
        if path.is_file():
            return json.loads(path.read_text())
    return None


def figure_rows(record: dict) -> list[list[str]]:
    """One record's figures as table rows: name, value with its unit, bar, verdict."""
    rows = []
    for f in record["figures"]:
        unit = f" {f['unit']}" if f["unit"] else ""
        bar = ""
        if "bar" in f:
            (kind, limit), = f["bar"].items()
            bar = f"{BARS[kind][1]} {format_number(limit)}{unit}"
        rows.append([f["name"], f"{format_number(f['value'])}{unit}", bar, f.get("verdict", "")])
    return rows


def describe_run(record: dict) -> str:
    """When, where and how long: the line that says what a record's numbers mean."""
    m = record["machine"]
    return (f"measured {record['date'][:10]} on {m['cpu_cores']} CPU cores ({m['processor']}, "
            f"torch {m['torch']}, {m['torch_threads']} threads, load {m['load_average']}), "
            f"{record['seconds']:.0f} s, by `python benchmarks/{record['command']}`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Every benchmark record in one table.")
    parser.add_argument("folder", help="the folder of records, e.g. benchmarks/results")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any record has a miss")
    args = parser.parse_args(argv)
    records = load_records(args.folder)
    for r in records:
        print(f"\n{r['benchmark']}  ({r['date']}, {r['machine']['processor']}, "
              f"{r['machine']['cpu_cores']} cores, {r['seconds']:.0f} s)")
        for t in (f for f in r["figures"] if "verdict" in f):
            print("  " + format_target(t))
    missed = sum(r["missed"] for r in records)
    total = sum(r["passed"] + r["missed"] for r in records)
    print(f"\n{len(records)} records, {total - missed} of {total} targets PASS")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())

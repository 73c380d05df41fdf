"""Score the importer on every labelled plan: the shared seeds' labels and ours (``eval/``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.reading import text_from_path
from imports.services import plan_parse

EVAL_DIR = Path(settings.BASE_DIR) / "eval"
# The plan year of each labelled document (the year its targets are for).
YEARS = {
    "000_5ba4bd30743c8b9f": 2014,
    "001_c81c4cc377fa0bf5": 2012,
    "002_3a1a967272ad7249": 2014,
    "003_e04148dd00fc1d1e": 2017,
    "004_80e259d578ac1dde": 2020,
    "plan_a": 2021,
    "plan_b": 2019,
    "plan_c": 2022,
    "plan_d": 2023,
    "plan_e": 2018,
    "plan_f": 2024,
    "plan_g": 2025,
    "plan_h": 2019,
    "plan_i": 2020,
    "plan_j": 2021,
    "plan_k": 2022,
    "plan_l": 2023,
    "plan_m": 2024,
}
# Where a document's rules were written: the two shared labelled seeds; the rest were labelled
# here, after the rules, to try them (reported apart).
SHARED_GOLD = ("000_5ba4bd30743c8b9f", "001_c81c4cc377fa0bf5")


@dataclass(frozen=True)
class Labelled:
    name: str
    document: Path
    labels: Path
    achievements: Path | None
    year: int

    @property
    def shared(self) -> bool:
        return self.name in SHARED_GOLD


def shared_dir() -> Path:
    """The shared folder beside the project (or where TAIZHANG_SEEDS_DIR points)."""
    return Path(settings.DEMO_SEEDS_DIR).parent


def labelled_plans() -> list[Labelled]:
    """Every document with labels that can be found on this machine."""
    shared = shared_dir()
    found = []
    for name, year in YEARS.items():
        if name in SHARED_GOLD:
            labels = shared / "eval" / "gold" / f"{name}.jsonl"
        else:
            labels = EVAL_DIR / "labels" / f"{name}.jsonl"
        document = EVAL_DIR / "plans" / f"{name}.txt"
        if not document.exists():
            document = shared / "seeds" / f"{name}.txt"
        achievements = labels.with_name(f"{name}.achievements.jsonl")
        if document.exists() and labels.exists():
            found.append(Labelled(name, document, labels, achievements if achievements.exists() else None, year))
    return found


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    fields: float
    report: str


def score(plan: Labelled) -> Score:
    """Parse the document as ``import_plan --dry-run --json`` does and score it with the shared
    scorer (run as a program, as its README says)."""
    scorer = shared_dir() / "eval" / "score_extraction.py"
    if not scorer.exists():
        raise FileNotFoundError(scorer)
    parsed = plan_parse(text=text_from_path(plan.document), year=plan.year)
    with tempfile.TemporaryDirectory() as tmp:
        predicted = Path(tmp) / "pred.json"
        predicted.write_text(json.dumps(parsed.to_json(), ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, str(scorer), str(plan.document), str(plan.labels), str(predicted)]
        if plan.achievements:
            command += ["--achievements", str(plan.achievements)]
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)  # noqa: S603
    last = result.stdout.strip().splitlines()[-1]
    m = re.search(r"P=([\d.]+) R=([\d.]+) F1=([\d.]+) fields=([\d.]+)", last)
    if not m:
        raise ValueError(result.stdout)
    p, r, f1, fields = (float(g) for g in m.groups())
    return Score(p, r, f1, fields, result.stdout)


class Command(BaseCommand):
    help = "Score the plan importer on every labelled plan (the shared seeds' labels and eval/)."

    def add_arguments(self, parser):
        parser.add_argument("--verbose", action="store_true", help="print each plan's misses and extras")

    def handle(self, *args, **options):
        plans = labelled_plans()
        if not plans:
            raise CommandError(f"No labelled plan found (looked in {EVAL_DIR} and {shared_dir()}).")
        try:
            rows = [(plan, score(plan)) for plan in plans]
        except FileNotFoundError as missing:
            raise CommandError(f"The shared scorer is not at {missing}.") from None
        for group, title in ((True, "shared labels (the rules were written on these)"), (False, "labelled here")):
            chosen = [(plan, s) for plan, s in rows if plan.shared is group]
            if not chosen:
                continue
            self.stdout.write(title)
            for plan, s in chosen:
                self.stdout.write(
                    f"  {plan.name:<22} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} fields={s.fields:.3f}"
                )
                if options["verbose"]:
                    for line in s.report.splitlines():
                        if line.lstrip().startswith(("missed:", "extra:")):
                            self.stdout.write(f"      {line.strip()}")
            mean_f1 = sum(s.f1 for _, s in chosen) / len(chosen)
            mean_fields = sum(s.fields for _, s in chosen) / len(chosen)
            self.stdout.write(
                f"  mean of {len(chosen)}: F1={mean_f1:.3f} fields={mean_fields:.3f}, "
                f"lowest F1 {min(s.f1 for _, s in chosen):.3f}"
            )

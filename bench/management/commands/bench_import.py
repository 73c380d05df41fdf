"""python manage.py bench_import [--file PLAN | --size BYTES] [--runs N]

Times ``plan_parse`` (a dry run: no database) and prints, for each case, its CPU and wall time
(mean, fastest, slowest run). Without --file or --size it runs three cases:

- a plan of about 30 KB in the grammar of real plans (numbered sections, targets of every kind,
  past results), built from a template;
- the same grammar at 1 MB, the size of the paste that used to take down a web worker;
- 1 MB of one numbered line written again and again, each line a task and a target: the shape
  on which the numbering was quadratic (every repeated 1. needs a path of its own).

The figures and the command that produced them are kept in docs/performance.md.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import cn2an
from django.core.management.base import BaseCommand, CommandError

from imports.reading import ImportRefused, text_from_path
from imports.services import plan_parse

KB = 1024
MB = 1024 * KB
_SECTION = "{cn}、{year}年第{n}方面重点工作\n"
_SUBSECTION = "  ({cn})第{n}组任务\n"
_ITEM = (
    "    {i}.推进第{k}项重点任务。坚持以项目建设为抓手,全年计划引进落地亿元以上项目{a}个,利用市外资金{b}亿元,"
    "利用境外资金{c}万美元;规模以上工业增加值同比增长{d}%,力争{e}%;新开工项目{f}-{g}个,竣工项目{g}-{h}个。"
    "一是加快载体建设,新增绿化面积{j}万平方米,完成{m}套公租房建设。二是强化要素保障,确保人口自然增长率控制在6‰以内,"
    "万元工业增加值综合能耗同比下降{k2}%。三是推进改革,6月底前完成行政服务中心建设,力争培育两到三家省级领军企业,"
    "企业毕业率达{r}%。{past}年,全区实现地区生产总值{n}亿元,同比增长{o}%。(牵头单位:经济发展局;责任领导:张三)\n"
)
_REPEATED = "1.推进重点任务,全年新增企业5家,固定资产投资同比增长15%,新开工项目10个。\n"


def synthetic_plan(size: int, year: int = 2014) -> str:
    """A plan of about ``size`` bytes (UTF-8): sections 一、二、…, each of ten groups (一)…(十)
    of four items 1.–4., every item with its targets, 一是/二是 items and a past result."""
    parts = [f"示范区{year}年工作要点\n"]
    written = len(parts[0].encode("utf-8"))
    k = 0
    section = 0
    while written < size:
        section += 1
        parts.append(_SECTION.format(cn=cn2an.an2cn(section), year=year, n=section))
        for group in range(1, 11):
            parts.append(_SUBSECTION.format(cn=cn2an.an2cn(group), n=group))
            for i in range(1, 5):
                k += 1
                parts.append(
                    _ITEM.format(
                        i=i,
                        k=k,
                        a=10 + k % 9,
                        b=20 + k % 50,
                        c=5000 + 13 * k,
                        d=8 + k % 7,
                        e=12 + k % 7,
                        f=10,
                        g=15,
                        h=20,
                        j=3 + k % 5,
                        m=100 + k,
                        k2=3 + k % 4,
                        r=15 + k % 10,
                        past=year - 1,
                        n=150 + k,
                        o=9 + k % 5,
                    )
                )
            written += sum(len(p.encode("utf-8")) for p in parts[-5:])
            if written >= size:
                break
    return "".join(parts)


def repeated_line(size: int) -> str:
    """``size`` bytes of the same numbered line (a task with its targets) again and again."""
    line = _REPEATED
    return line * max(1, size // len(line.encode("utf-8")))


class Command(BaseCommand):
    help = "Time the plan parser (dry run) on a 30 KB plan, a 1 MB plan and 1 MB of a repeated line."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--file", help="a plan to parse instead of the synthetic ones")
        parser.add_argument("--size", type=int, help="bytes (UTF-8) of one synthetic plan instead of the three cases")
        parser.add_argument("--year", type=int, default=2014)
        parser.add_argument("--runs", type=int, help="runs per case (default: 20 for 30 KB, 3 for 1 MB)")

    def handle(self, *args, **options):
        year = options["year"]
        runs = options["runs"]
        if options["file"]:
            try:
                text = text_from_path(options["file"])
            except ImportRefused as refusal:
                raise CommandError(refusal.message) from None
            cases = [(options["file"], lambda: text, runs or 20)]
        elif options["size"]:
            cases = [
                (f"synthetic plan of {options['size']} bytes", lambda: synthetic_plan(options["size"], year), runs or 3)
            ]
        else:
            cases = [
                ("plan, 30 KB", lambda: synthetic_plan(30 * KB, year), runs or 20),
                ("plan, 1 MB", lambda: synthetic_plan(MB, year), runs or 3),
                ("one numbered line repeated, 1 MB", lambda: repeated_line(MB), runs or 3),
            ]
        for name, make, count in cases:
            self._bench(name, make, year=year, runs=max(1, count))

    def _bench(self, name: str, make: Callable[[], str], *, year: int, runs: int) -> None:
        text = make()
        try:
            plan_parse(text=text, year=year)  # warm up (regex compilation, imports)
        except ImportRefused as refusal:
            self.stdout.write(f"{name}: refused: {refusal.message}")
            return
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            parsed = plan_parse(text=text, year=year)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        size = len(text.encode("utf-8"))
        self.stdout.write(
            f"{name}: {size / KB:.1f} KB, {len(text)} characters, {text.count(chr(10))} lines: "
            f"{len(parsed.tasks)} tasks, {len(parsed.targets)} targets, {len(parsed.achievements)} past results"
        )
        # CPU time is the steadier figure on a busy machine; wall time is what a user waits.
        self.stdout.write(
            f"  plan_parse over {runs} runs: CPU mean {statistics.mean(cpus) * 1000:.1f} ms, min "
            f"{min(cpus) * 1000:.1f} ms ({statistics.mean(cpus) * 1000 / (size / MB):.0f} ms per MB); "
            f"wall mean {statistics.mean(walls) * 1000:.1f} ms, min {min(walls) * 1000:.1f} ms, "
            f"max {max(walls) * 1000:.1f} ms"
        )

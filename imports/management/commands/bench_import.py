"""python manage.py bench_import [--file PLAN] [--size 30000] [--runs 20]

Times ``plan_parse`` (a dry run: no database) on a plan of about 30 KB and prints the mean, the
fastest and the slowest run. Without --file it builds a plan of the requested size from a
template in the grammar of real plans (numbered sections, targets of every kind, past results).
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from imports.reading import ImportRefused, text_from_path
from imports.services import plan_parse

_CN = "一二三四五六七八九十"
_SECTION = "{cn}、{year}年第{n}方面重点工作\n"
_ITEM = (
    "  {k}.推进第{k}项重点任务。坚持以项目建设为抓手,全年计划引进落地亿元以上项目{a}个,利用市外资金{b}亿元,"
    "利用境外资金{c}万美元;规模以上工业增加值同比增长{d}%,力争{e}%;新开工项目{f}-{g}个,竣工项目{g}-{h}个。"
    "一是加快载体建设,新增绿化面积{i}万平方米,完成{j}套公租房建设。二是强化要素保障,确保人口自然增长率控制在6‰以内,"
    "万元工业增加值综合能耗同比下降{k2}%。三是推进改革,6月底前完成行政服务中心建设,力争培育两到三家省级领军企业,"
    "企业毕业率达{m}%。{past}年,全区实现地区生产总值{n}亿元,同比增长{o}%。(牵头单位:经济发展局;责任领导:张三)\n"
)


def synthetic_plan(size: int, year: int = 2014) -> str:
    parts = [f"示范区{year}年工作要点\n"]
    k = 0
    section = 0
    while sum(len(p.encode("utf-8")) for p in parts) < size:
        section += 1
        parts.append(_SECTION.format(cn=_CN[(section - 1) % 10], year=year, n=section))
        for _ in range(4):
            k += 1
            parts.append(
                _ITEM.format(
                    k=k,
                    a=10 + k % 9,
                    b=20 + k,
                    c=5000 + 13 * k,
                    d=8 + k % 7,
                    e=12 + k % 7,
                    f=10,
                    g=15,
                    h=20,
                    i=3 + k % 5,
                    j=100 * k,
                    k2=3 + k % 4,
                    m=15 + k % 10,
                    past=year - 1,
                    n=150 + k,
                    o=9 + k % 5,
                )
            )
    return "".join(parts)


class Command(BaseCommand):
    help = "Time the plan parser (dry run) on a plan of about 30 KB."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--file", help="a plan to parse instead of the synthetic one")
        parser.add_argument("--year", type=int, default=2014)
        parser.add_argument("--size", type=int, default=30 * 1024, help="bytes (UTF-8) of the synthetic plan")
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, **options):
        year = options["year"]
        if options["file"]:
            try:
                text = text_from_path(options["file"])
            except ImportRefused as refusal:
                raise CommandError(refusal.message) from None
        else:
            text = synthetic_plan(options["size"], year)
        plan_parse(text=text, year=year)  # warm up (regex compilation, imports)
        times = []
        for _ in range(max(1, options["runs"])):
            started = time.perf_counter()
            parsed = plan_parse(text=text, year=year)
            times.append(time.perf_counter() - started)
        self.stdout.write(
            f"{len(text.encode('utf-8')) / 1024:.1f} KB, {len(text)} characters: "
            f"{len(parsed.tasks)} tasks, {len(parsed.targets)} targets, {len(parsed.achievements)} past results"
        )
        self.stdout.write(
            f"plan_parse over {len(times)} runs: mean {statistics.mean(times) * 1000:.1f} ms, "
            f"min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )

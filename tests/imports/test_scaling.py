"""The importer's work grows in step with the text: twice the lines, about twice the work.

Work is counted, not timed: the number of Python lines the importer's modules execute while
parsing, traced with ``sys.settrace``. A quadratic step (a scan of everything found so far for
each new item) shows as four times the work for twice the text long before it shows in seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import imports
from bench.management.commands.bench_import import MB, repeated_line, synthetic_plan
from imports.reading import MAX_LINES
from imports.services import plan_parse

IMPORTS_DIR = str(Path(imports.__file__).resolve().parent)


def executed_lines(call) -> int:
    """How many lines of the ``imports`` package ``call()`` executes."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(IMPORTS_DIR):
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


# Texts of n numbered items in the shapes that made the numbering quadratic: the same number
# again and again (every item needs a path of its own: 1, 1-2, 1-3 …), a long 一是/二是 series
# under one heading, a block of four levels repeated, and a plan in the grammar of real ones.
SHAPES = {
    "the same number repeated": lambda n: "1.推进重点任务\n" * n,
    "the same heading repeated": lambda n: "一、重点工作\n" * n,
    "a block of levels repeated": lambda n: "一、项目\n(一)招商\n1.引进\n(1)落地\n" * (n // 4),
    "inline items under one heading": lambda n: "一、重点工作\n" + "一是加快建设。二是强化保障。" * (n // 2) + "\n",
    "inline items with targets": lambda n: "一、重点工作\n" + "一是新增企业5家。二是投资增长10%。" * (n // 2) + "\n",
    "a plan in the grammar of real ones": lambda n: synthetic_plan(n * 60),
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_twice_the_items_take_about_twice_the_work(shape):
    make = SHAPES[shape]
    small = executed_lines(lambda: plan_parse(text=make(400), year=2014))
    large = executed_lines(lambda: plan_parse(text=make(800), year=2014))
    # Linear work doubles; quadratic work quadruples. The margin covers the fixed costs.
    assert large < 2.3 * small, f"{small} lines of work for 400 items, {large} for 800"


def test_a_one_megabyte_plan_is_parsed_whole():
    text = synthetic_plan(MB)
    assert len(text.encode("utf-8")) >= MB
    assert text.count("\n") <= MAX_LINES

    parsed = plan_parse(text=text, year=2014)

    line_items = [task for task in parsed.tasks if not task.inline and not task.preamble]
    assert len(line_items) == text.count("\n") - 1  # every line but the title is an item
    assert len({task.path for task in parsed.tasks}) == len(parsed.tasks)
    assert parsed.targets


def test_a_megabyte_of_one_numbered_line_repeated_is_parsed_whole():
    text = repeated_line(MB)
    assert text.count("\n") <= MAX_LINES

    parsed = plan_parse(text=text, year=2014)

    lines = text.count("\n")
    assert [task.path for task in parsed.tasks[-2:]] == [f"1-{lines - 1}", f"1-{lines}"]

import threading

from core.threads import map_on_connections


def test_results_come_in_the_items_order_from_several_threads():
    seen_threads = set()

    def square(n):
        seen_threads.add(threading.get_ident())
        return n * n

    assert list(map_on_connections(square, range(8), jobs=3)) == [n * n for n in range(8)]
    assert threading.get_ident() not in seen_threads


def test_one_job_runs_here_on_this_thread():
    seen_threads = set()

    def record(n):
        seen_threads.add(threading.get_ident())
        return n

    assert list(map_on_connections(record, [1, 2, 3], jobs=1)) == [1, 2, 3]
    assert seen_threads == {threading.get_ident()}

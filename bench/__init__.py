"""Benchmarks and load-test data (``manage.py bench_…``); see docs/performance.md."""

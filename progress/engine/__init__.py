"""The engine: judging every target's reporting periods and storing the results.

It reads the plans' targets (``targets``) and the units' reports (``progress``),
applies the rules of ``targets.metrics`` and writes ``targets.TargetResult`` and
``targets.TargetFlag``. It lives in ``progress`` because what it reads lies below it:

- ``recompute``: the Python path (one target, or a plan off PostgreSQL), the
  plans' claims and the recorded job run;
- ``bulk``: the set-based path on PostgreSQL, the same rules as one statement;
- ``outbox``: what is owed a recompute (targets and plans), recorded in the
  transaction that calls for it, and paid by whoever recomputes;
- ``locks``: the plans' advisory locks that keep the two paths apart;
- ``tasks``: the Celery tasks (after a report changes, nightly, the catch-up).
"""

"""Stored scheduler jobs keep working when the function they name moves to another module.

apscheduler's persistent job stores keep each job's function as a ``"module:function"`` text inside the
pickled job state. When jikimi regrouped ``monitor/`` (issue 11), ``monitor.scheduler:run_job`` became
``monitor.operations.scheduler:run_job``: a job store written before could no longer restore its jobs, and
apscheduler would drop them (every source then ran at once after the upgrade, losing its stored next run).
Rewriting the reference in place, before the scheduler reads the store, keeps every job and its next run.
The state is our own data directory's (or database's), so unpickling it is as safe as reading the store.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

from apscheduler.jobstores.base import BaseJobStore


def _renamed(state: bytes, moved: Mapping[str, str], protocol: int) -> bytes | None:
    """The job state with its function reference renamed, or ``None`` when it names no moved function."""
    job: dict[str, Any] = pickle.loads(state)
    if job.get("func") not in moved:
        return None
    job["func"] = moved[job["func"]]
    return pickle.dumps(job, protocol)


def follow_moved_functions(store: BaseJobStore, moved: Mapping[str, str]) -> int:
    """Rename the references ``moved`` maps (old → new) in an SQLAlchemy or MongoDB job store; how many jobs
    changed."""
    from apscheduler.jobstores.mongodb import MongoDBJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    if isinstance(store, SQLAlchemyJobStore):
        return _in_table(store, moved)
    if isinstance(store, MongoDBJobStore):
        changed = 0
        for document in store.collection.find({}, {"job_state": 1}):
            renamed = _renamed(document["job_state"], moved, store.pickle_protocol)
            if renamed is not None:
                store.collection.update_one({"_id": document["_id"]}, {"$set": {"job_state": renamed}})
                changed += 1
        return changed
    return 0


def _in_table(store: Any, moved: Mapping[str, str]) -> int:
    from sqlalchemy import inspect, select, update

    table = store.jobs_t
    if not inspect(store.engine).has_table(table.name, schema=table.schema):
        return 0
    with store.engine.begin() as connection:
        rows = connection.execute(select(table.c.id, table.c.job_state))
        found = [(job_id, _renamed(state, moved, store.pickle_protocol)) for job_id, state in rows]
        for job_id, renamed in found:
            if renamed is not None:
                connection.execute(update(table).where(table.c.id == job_id).values(job_state=renamed))
    return sum(1 for _, renamed in found if renamed is not None)

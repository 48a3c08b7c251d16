"""Assessments stored per second on SQLite and on PostgreSQL, beside plain inserts of the row.

Each database is fresh and migrated by `advisor.db.migrate`, reached through the engine
`advisor.db.make_engine` builds for it (the app's pragmas, pool and driver), and run as it
would be in production: SQLite in WAL mode with the app's pragmas, in a temporary folder;
PostgreSQL a throwaway cluster (tests/utils/pg_cluster.py) switched back to durable commits
(fsync, full_page_writes and synchronous_commit on; the test cluster turns them off).

THREADS threads each store SAVES_PER_THREAD assessments, one `db.save_result` per session
as the API and the pages do (varied eligible profiles, recommendations computed beforehand so
the engine is not timed). Baseline in the same run, same engine, same threads: a plain
parametrised INSERT of the same row, committed one by one, without the ORM (no model, no
refresh).
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert
from sqlmodel import Session, select

from advisor import db
from advisor.engine import recommend
from advisor.profile import Profile
from advisor.recommendation import Recommendation
from bench.server import ROOT

THREADS = 4
SAVES_PER_THREAD = 500
PG_CLUSTER = ROOT / "tests" / "utils" / "pg_cluster.py"
DURABLE = {"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on"}


def _pg_cluster_module() -> Any:
    """tests/utils/pg_cluster.py, loaded by path (the benchmarks do not import the tests)."""
    spec = importlib.util.spec_from_file_location("advisor_bench_pg_cluster", PG_CLUSTER)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {PG_CLUSTER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _workload(count: int) -> list[tuple[Profile, Recommendation]]:
    from advisor.runtime import CONTENT
    from bench.engine import eligible_profiles

    profiles = random.Random(7).sample(eligible_profiles(), count)
    return [(profile, recommend(profile, CONTENT.compiled_rules)) for profile in profiles]


def _save(engine: Engine, profile: Profile, result: Recommendation) -> None:
    with Session(engine) as session:
        db.save_result(session=session, profile=profile, result=result, origin="api")


def _row(profile: Profile, result: Recommendation) -> dict[str, Any]:
    """The columns save_result writes, the same values, a random token hash."""
    return {
        "id": uuid.uuid4(),
        "created_at": db.utcnow(),
        "answers": profile.model_dump(mode="json"),
        "recommended": result.recommended,
        "confidence": result.confidence,
        "evidence_version": result.evidence_version,
        "origin": "api",
        "delete_token_hash": uuid.uuid4().hex * 2,
    }


def _insert(engine: Engine, profile: Profile, result: Recommendation) -> None:
    statement = insert(db.SavedResult.__table__).values(**_row(profile, result))
    with engine.connect() as connection:
        connection.execute(statement)
        connection.commit()


def _throughput(
    engine: Engine,
    store: Callable[[Engine, Profile, Recommendation], None],
    work: list[tuple[Profile, Recommendation]],
) -> dict[str, Any]:
    """THREADS threads, each storing its share of `work` one row at a time."""
    shares = [work[i::THREADS] for i in range(THREADS)]
    start = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def worker(share: list[tuple[Profile, Recommendation]]) -> None:
        start.wait()
        try:
            for profile, result in share:
                store(engine, profile, result)
        except BaseException as error:  # noqa: BLE001 - reported below, after the join
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} thread(s) failed; the first: {errors[0]!r}")
    return {
        "rows": len(work),
        "seconds": round(seconds, 3),
        "per_second": round(len(work) / seconds),
    }


def _measure(url: str, work: list[tuple[Profile, Recommendation]]) -> dict[str, Any]:
    db.migrate(url)
    engine = db.engine_for(url)
    half = len(work) // 2
    for profile, result in work[:20]:  # warm-up: connections opened, statements compiled
        _save(engine, profile, result)
        _insert(engine, profile, result)
    saves, inserts = [], []
    for part in (work[:half], work[half:]):  # interleaved: a drift of the machine hits both
        saves.append(_throughput(engine, _save, part))
        inserts.append(_throughput(engine, _insert, part))
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(db.SavedResult)).one()
    expected = 2 * len(work) + 40
    if stored != expected:
        raise RuntimeError(f"{stored} rows stored, {expected} expected")
    engine.dispose()
    db.engine_for.cache_clear()

    def total(runs: list[dict[str, Any]]) -> dict[str, Any]:
        rows = sum(r["rows"] for r in runs)
        seconds = sum(r["seconds"] for r in runs)
        return {"rows": rows, "seconds": round(seconds, 3), "per_second": round(rows / seconds)}

    save, plain = total(saves), total(inserts)
    return {
        "save_result": save,
        "plain_insert": plain,
        "ratio": round(save["per_second"] / plain["per_second"], 2),
    }


@contextlib.contextmanager
def _sqlite() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-sqlite-"))
    try:
        yield f"sqlite:///{folder / 'advisor.db'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _postgres() -> Iterator[str]:
    pg = _pg_cluster_module()
    with pg.running_cluster() as cluster:
        with cluster.connect() as connection:
            for name, value in DURABLE.items():
                connection.execute(f"ALTER SYSTEM SET {name} = {value}")
            connection.execute("SELECT pg_reload_conf()")
        url = cluster.create_database("bench")
        with cluster.connect("bench") as connection:
            shown = {n: connection.execute(f"SHOW {n}").fetchone()[0] for n in DURABLE}
        if shown != DURABLE:
            raise RuntimeError(f"the cluster did not take the durable settings: {shown}")
        yield url


def run() -> dict[str, Any]:
    began = time.monotonic()
    work = _workload(THREADS * SAVES_PER_THREAD)
    with _sqlite() as url:
        sqlite = _measure(url, work)
    with _postgres() as url:
        postgres = _measure(url, work)
    return {
        "threads": THREADS,
        "rows_per_variant": len(work),
        "sqlite": sqlite,
        "postgres": postgres,
        "postgres_over_sqlite": round(
            postgres["save_result"]["per_second"] / sqlite["save_result"]["per_second"], 2
        ),
        "seconds": round(time.monotonic() - began, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))

"""The query pool of `kg serve`: quick calls go to a worker several per task, and a
call that has become slow cannot fail the others in its task.

The pool runs real sandboxed worker processes (pebble); the calls are functions of
this module, imported by the workers."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kg.errors import QueryRefused, QueryTimeout


def echo(tag: str) -> str:
    """(In a worker) ``tag`` back."""
    return tag


def refuse(tag: str) -> str:
    """(In a worker) a kg error, as a refused query raises."""
    raise QueryRefused(f"refused {tag}")


def slow_if(flag: str, tag: str) -> str:
    """(In a worker) ``tag`` back, after a long sleep while the file ``flag`` exists."""
    if Path(flag).exists():
        time.sleep(60)
    return tag


def in_a_thread(go: Any) -> None:
    """``asyncio.run(go())`` in a thread of its own: a pool that runs queries in its
    loop walls that thread off the network for good (not the test process's)."""
    failed: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(go())
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            failed.append(exc)

    t = threading.Thread(target=main)
    t.start()
    t.join()
    if failed:
        raise failed[0]


def _pool(data: Path, **options: Any) -> Any:
    from kg.graph import KnowledgeGraph
    from kg.web.workers import QueryPool

    kg = KnowledgeGraph.open(data)
    return QueryPool(kg.cache_path / "store" if kg.cache_path else None, kg.data_dir, **options)


def test_quick_calls_share_a_task_and_keep_their_own_answers(mini: Path, cache: Path) -> None:
    """Calls seen to be quick go out together; each gets its own value or error."""

    async def go() -> tuple[list[Any], dict[int, int]]:
        pool = _pool(mini, size=1, timeout=20)
        await pool.start()
        try:
            tags = [f"t{i}" for i in range(6)]
            for tag in tags:  # first runs: alone, and now known to be quick
                assert await pool.call("c", echo, tag) == tag
            assert await pool.call("c", echo, "x") == "x"
            with pytest.raises(QueryRefused):
                await pool.call("c", refuse, "r")
            with pytest.raises(QueryRefused):
                await pool.call("c", refuse, "r")
            before = dict(pool.batches)
            calls = [pool.call(f"client{i}", echo, tag) for i, tag in enumerate(tags)]
            calls.insert(3, pool.call("other", refuse, "r"))
            out = await asyncio.gather(*calls, return_exceptions=True)
            return out, {n: k - before.get(n, 0) for n, k in pool.batches.items() if k - before.get(n, 0)}
        finally:
            await pool.stop()

    out, batches = asyncio.run(go())
    assert out[:3] == ["t0", "t1", "t2"] and out[4:] == ["t3", "t4", "t5"]
    assert isinstance(out[3], QueryRefused) and "refused r" in str(out[3])
    assert max(batches) > 1, batches  # at least one task carried several calls


def test_a_call_turned_slow_does_not_fail_its_batch(mini: Path, cache: Path, tmp_path: Path) -> None:
    """Two calls known to be quick share a task; one of them now sleeps. The task is
    stopped at the batch timeout and both run again alone: the slow one is stopped at
    its own timeout (a 503 QueryTimeout), the innocent one answers."""
    flag = tmp_path / "slow"

    async def go() -> tuple[Any, Any, dict[int, int]]:
        pool = _pool(mini, size=1, timeout=3, queue_timeout=60)
        await pool.start()
        try:
            assert await pool.call("a", slow_if, str(flag), "a") == "a"
            assert await pool.call("b", echo, "b") == "b"
            flag.touch()
            started = time.monotonic()
            slow, innocent = await asyncio.gather(
                pool.call("a", slow_if, str(flag), "a"), pool.call("b", echo, "b"), return_exceptions=True
            )
            assert time.monotonic() - started < 45
            return slow, innocent, dict(pool.batches)
        finally:
            await pool.stop()

    slow, innocent, batches = asyncio.run(go())
    assert batches.get(2) == 1, batches  # the two went out in one task
    assert innocent == "b"
    assert isinstance(slow, QueryTimeout)


def test_select_within_its_own_limit_is_written_by_the_engine(mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SELECT whose LIMIT is within the row cap cannot be cut, so pyoxigraph's own
    serializer writes it (the same bytes as kg's capped writer for JSON, CSV and TSV);
    past the cap, or without a LIMIT, kg's capped writer reads the rows."""
    import kg.sparql as sparql
    from kg.graph import KnowledgeGraph

    store = KnowledgeGraph.open(mini).store
    q = "SELECT ?t ?l WHERE { ?t a kg:Topic ; skos:prefLabel ?l } ORDER BY ?t LIMIT 3"
    capped = {f: sparql.execute(store, q, f, max_rows=2) for f in ("json", "csv", "tsv")}
    assert all(r.truncated and r.rows == 2 for r in capped.values())
    used: list[str] = []
    writer = sparql.serialize_solutions
    monkeypatch.setattr(sparql, "serialize_solutions", lambda *a: used.append(a[2]) or writer(*a))
    for f in ("json", "csv", "tsv"):
        within = sparql.execute(store, q, f, max_rows=3)
        assert not within.truncated and within.body == sparql.execute(store, q.replace("LIMIT 3", ""), f, max_rows=3).body
    assert used == ["json", "csv", "tsv"]  # only the queries without a LIMIT
    assert sparql.execute(store, q, "json", max_rows=2).truncated and used[-1] == "json"


def test_a_quick_query_runs_in_the_server_once_a_worker_has_answered_it(mini: Path, cache: Path) -> None:
    """The first run of a query goes to a worker; once a worker has answered it
    quickly, the same text runs in the server process (same bytes). A run there that
    turns out slow sends it back to the workers; a refused query never runs there."""
    from kg.web.workers import FormatChoice

    q = "SELECT ?t WHERE { ?t a kg:Topic } ORDER BY ?t LIMIT 3"
    choice = FormatChoice("json", "nt")

    async def go() -> None:
        pool = _pool(mini, size=1, timeout=20, inline=1.0)
        await pool.start()
        try:
            # The loop's thread is walled off the network, as a worker is.
            with pytest.raises(PermissionError):
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            first = await pool.run("c", q, choice)
            assert pool.inline_runs == 0
            second = await pool.run("c", q, choice)
            assert pool.inline_runs == 1
            assert (second.body, second.media_type) == (first.body, first.media_type)
            assert b"/id/topic/" in second.body
            # Another row cap or format is another query.
            other = await pool.run("c", q, FormatChoice("csv", "nt"))
            assert pool.inline_runs == 1 and other.body.startswith(b"t\r\n")
            pool.inline = 1e-12  # now every run is "slow": one more here, then workers
            assert (await pool.run("c", q, choice)).body == first.body
            assert pool.inline_runs == 2
            assert (await pool.run("c", q, choice)).body == first.body
            assert pool.inline_runs == 2
            pool.inline = 1.0
            for _ in range(2):
                with pytest.raises(QueryRefused):
                    await pool.run("c", "INSERT DATA { <a:b> <a:c> <a:d> }", choice)
            assert pool.inline_runs == 2
        finally:
            await pool.stop()

    in_a_thread(go)
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()  # this thread: no wall


def test_without_an_on_disk_store_every_query_runs_in_a_worker(mini: Path, cache: Path) -> None:
    from kg.web.workers import FormatChoice, QueryPool

    async def go() -> None:
        pool = QueryPool(None, mini, size=1, timeout=60, inline=1.0)
        await pool.start()
        try:
            for _ in range(3):
                result = await pool.run("c", "ASK { ?t a kg:Topic }", FormatChoice("json", "nt"))
                assert b"true" in result.body
            assert pool.inline_runs == 0
        finally:
            await pool.stop()

    in_a_thread(go)


def test_a_relayed_call_runs_in_the_other_pools_workers(mini: Path, cache: Path) -> None:
    """A pool given a relay (a server process without workers) sends its calls to the
    pool on the other end: answers, kg errors and refusals by that pool's admission
    come back as they were, and the relaying pool learns which queries are quick."""
    from kg.errors import Overloaded
    from kg.web.clients import SharedClients
    from kg.web.workers import FormatChoice

    q = "SELECT ?t WHERE { ?t a kg:Topic } ORDER BY ?t LIMIT 3"
    choice = FormatChoice("json", "nt")

    async def go() -> None:
        mine, theirs = socket.socketpair()
        table = SharedClients(slots=64)
        first = _pool(mini, size=1, timeout=20, inline=1.0, per_client=1, queue_timeout=0.2, clients=table)
        first.relays = [mine]
        other = _pool(mini, size=1, timeout=20, inline=1.0, per_client=1, clients=table, relay=theirs)
        await first.start()
        await other.start()
        try:
            assert (await other.call("c", echo, "hello")) == "hello"
            with pytest.raises(QueryRefused, match="refused x"):
                await other.call("c", refuse, "x")
            answer = await other.run("c", q, choice)
            assert b"/id/topic/" in answer.body and other.inline_runs == 0
            assert (await other.run("c", q, choice)).body == answer.body
            assert other.inline_runs == 1  # learnt from the seconds sent back
            await table_full(table, "d", other)
        finally:
            await other.stop()
            await first.stop()

    async def table_full(table: Any, client: str, other: Any) -> None:
        assert table.take(client, 1)  # the client runs a query elsewhere
        with pytest.raises(Overloaded):
            await other.call(client, echo, "waits, then busy")
        table.give(client)

    in_a_thread(go)

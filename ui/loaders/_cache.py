"""How a cached loader is made: its key is derived from the data versions it reads, never picked by a caller.

- `@loader(reads=...)`: a read for the viewer of the run, `fn(reader, *args)` with a
  data_access ScopedReader; pages call it as `fn(ctx, *args)`. Key: the database, the versions of the
  sources it reads, the viewer and the arguments.
- `@catalogue(reads=...)`: a read that is the same for everyone (periods, the area index, versions),
  `fn(engine, *args)`, called as `fn(url, versions, *args)` (the shell calls some before sign-in).

`reads` is a tuple of sources, or a function of the call's arguments that returns one (a KPI frame
reads only its own source); a pseudo-source (metrics.kpis.DERIVED: "reporting") stands for the sources
it is computed from, so such a read is keyed by each of their versions. A write bumps its source's version in the same transaction, so the next run
misses exactly the loaders that read it. tests/test_loaders.py runs every registered loader against a
real database, sees which tables its SQL touched, and fails when one reads a source it does not declare.

With a hot standby configured (data_access/routing.py) a loader's reader routes its reads, with the
versions the loader is keyed by as their floor: a page never shows data older than the versions it
announces, whichever server answered.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from data_access import db, routing
from data_access.reader import ScopedReader
from data_access.schema import SOURCES
from metrics import kpis

ALL = SOURCES


@dataclass(frozen=True)
class Registered:
    name: str
    kind: str  # "loader" or "catalogue"
    reads: tuple[str, ...] | Callable[..., tuple[str, ...]]
    call: Callable


REGISTRY: dict[str, Registered] = {}


@st.cache_resource(show_spinner=False)
def engine(url: str):
    return db.engine_for(url)


def _reader(url: str, versions: tuple[tuple[str, int], ...], viewer) -> ScopedReader:
    """The loader's reader: routed to a hot standby when one is configured, at least at `versions`
    (the versions the loader is keyed by, read from the primary this run)."""
    return ScopedReader(engine(url), viewer, routing.router_for(url), dict(versions))


def _versions(versions: tuple[tuple[str, int], ...], sources: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    have = dict(versions)
    return tuple((source, have[source]) for source in sources)


def _sources(reads, args, kwargs) -> tuple[str, ...]:
    """The data sources a call reads: `reads` (or what it gives for the call), a pseudo-source of
    metrics.kpis.DERIVED ("reporting") standing for the sources it is computed from."""
    named = reads(*args, **kwargs) if callable(reads) else reads
    sources = tuple(dict.fromkeys(real for source in named for real in kpis.reads(source)))
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown source(s) {sorted(unknown)}")
    return sources


def _cached(fn: Callable, ttl, max_entries: int, run: Callable) -> Callable:
    """st.cache_data over `run`, named after `fn` (Streamlit keys a function's cache by its module,
    name and source: same-source closures would otherwise share one cache)."""
    def cached(name: str, url: str, versions: tuple, viewer, *args, **kwargs):
        return run(url, versions, viewer, *args, **kwargs)
    cached.__module__, cached.__qualname__ = fn.__module__, f"{fn.__qualname__}.<cached>"
    return st.cache_data(ttl=ttl, max_entries=max_entries, show_spinner=False)(cached)


def loader(reads, ttl: str = "1h", max_entries: int = 256):
    def wrap(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__qualname__}"
        cached = _cached(fn, ttl, max_entries, lambda url, versions, viewer, *a, **k: fn(_reader(url, versions, viewer), *a, **k))

        @functools.wraps(fn)
        def call(ctx, *args, **kwargs):
            versions = _versions(ctx.versions, _sources(reads, args, kwargs))
            return cached(name, ctx.url, versions, ctx.viewer, *args, **kwargs)
        REGISTRY[name] = Registered(name, "loader", reads, call)
        return call
    return wrap


def catalogue(reads=(), ttl: str = "1h", max_entries: int = 16):
    def wrap(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__qualname__}"
        cached = _cached(fn, ttl, max_entries, lambda url, _versions, _viewer, *a, **k: fn(engine(url), *a, **k))

        @functools.wraps(fn)
        def call(url: str, versions: tuple, *args, **kwargs):
            return cached(name, url, _versions(versions, _sources(reads, args, kwargs)), None, *args, **kwargs)
        REGISTRY[name] = Registered(name, "catalogue", reads, call)
        return call
    return wrap

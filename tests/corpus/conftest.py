"""Fixtures of the corpus-audit tests: generated corpora, manifests, a Ray session."""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.factory import documents, write_jsonl, write_keywords


def write_manifest(folder: Path, body: str, name: str = "sources.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two sources of generated JSONL (four files) with planted keywords, PII and copies, a
    keyword library and a manifest; returns the manifest path."""
    data = tmp_path / "data"
    (data / "web").mkdir(parents=True)
    (data / "books").mkdir()
    for i in range(3):
        write_jsonl(
            data / "web" / f"part{i}.jsonl",
            list(documents(i, 120, keyword_rate=0.03, pii_rate=0.05, exact_rate=0.05,
                           near_rate=0.05, copyright_rate=0.03)),
        )  # fmt: skip
    write_jsonl(data / "books" / "b.jsonl", list(documents(9, 150, keyword_rate=0.2)))
    write_keywords(tmp_path / "keywords.tsv")
    return write_manifest(
        tmp_path,
        """
        name: 测试语料
        keywords: [keywords.tsv]
        sources:
          - id: web
            type: self_collected
            origin: domestic
            collection: crawler v1, 2025-01
            robots: true
            language: zh
            paths: ["data/web/*.jsonl"]
          - id: books
            type: open_source
            licence: CC-BY-4.0
            origin: foreign
            language: [zh]
            paths: [data/books]
        """,
    )


HAVE_RAY = importlib.util.find_spec("ray") is not None


@pytest.fixture(scope="session")
def ray_session() -> Iterator[Any]:
    """One local Ray cluster for the session (2 CPUs, no dashboard)."""
    if not HAVE_RAY:
        pytest.skip("ray is not installed (pip install 'hegui[ray]')")
    import ray

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        ignore_reinit_error=True,
    )
    yield ray
    ray.shutdown()

"""Manifest loading: YAML and CSV, aliases, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.corpus import ManifestError, Origin, SourceType, load_manifest
from tests.corpus.conftest import write_manifest


def test_yaml_manifest_with_every_field(tmp_path: Path) -> None:
    path = write_manifest(
        tmp_path,
        """
        name: demo
        keywords: kw.tsv
        policy: {max_violation_rate: 0.04}
        options: {seed: 7}
        sources:
          - id: vendor.news-1
            type: 商业
            origin: 境内
            contract: HT-2025-0042
            supplier_proof: 供应商承诺函 2025-01
            language: zh, en
            paths: data/*.jsonl
            format: jsonl
            text_field: content
            id_field: doc_id
            encoding: gb18030
            notes: 新闻稿
          - id: crawl
            type: self-collected
            origin: domestic
            collection: crawler v2
            robots: true
            text_unit: paragraph
            paths: [a.txt, b.txt]
          - id: wiki
            type: open-source
            license: CC-BY-SA-4.0
            origin: foreign
            paths: [wiki]
          - id: chats
            type: user_input
            origin: domestic
            consent: 隐私政策 v3 第5条
            paths: [chats.parquet]
        """,
    )
    manifest = load_manifest(path)
    vendor, crawl, wiki, chats = manifest.sources
    assert manifest.keywords == ("kw.tsv",)
    assert manifest.policy == {"max_violation_rate": 0.04}
    assert vendor.type is SourceType.COMMERCIAL and vendor.origin is Origin.DOMESTIC
    assert vendor.language == ("zh", "en") and vendor.paths == ("data/*.jsonl",)
    assert vendor.encoding == "gb18030" and vendor.id_field == "doc_id"
    assert crawl.type is SourceType.SELF_COLLECTED and crawl.robots is True
    assert wiki.licence == "CC-BY-SA-4.0" and wiki.origin is Origin.FOREIGN
    assert chats.type is SourceType.USER_INPUT
    assert manifest.resolve("x.jsonl") == tmp_path / "x.jsonl"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("sources: []\n", "'sources' must be a non-empty list"),
        ("source: []\n", "unknown key 'source'"),
        ("sources:\n  - id: a\n    type: open_source\n    origin: mars\n    paths: [x]\n",
         "line 2, field 'sources[a].origin'"),
        ("sources:\n  - id: a\n    type: pirate\n    origin: domestic\n    paths: [x]\n",
         "field 'sources[a].type'"),
        ("sources:\n  - id: a\n    type: open_source\n    origin: domestic\n",
         "field 'sources[a].paths'"),
        ("sources:\n  - id: a b\n    type: open_source\n    origin: domestic\n    paths: [x]\n",
         "sources[a b].id"),
        ("sources:\n  - id: a\n    type: open_source\n    origin: domestic\n    paths: [x]\n"
         "    encoding: klingon\n", "unknown text encoding 'klingon'"),
        ("sources:\n  - id: a\n    type: open_source\n    origin: domestic\n    paths: [x]\n"
         "    colour: red\n", "sources[a].colour"),
        ("sources:\n  - {id: a, type: open_source, origin: domestic, paths: [x]}\n"
         "  - {id: a, type: open_source, origin: domestic, paths: [y]}\n",
         "line 3, field 'id': duplicate source id 'a'"),
        ("sources: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_yaml_errors_name_line_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ManifestError, match=r"sources\.yaml") as info:
        load_manifest(path)
    assert expected in str(info.value)


def test_csv_manifest(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text(
        "id,type,origin,licence,collection,robots,paths,language\n"
        "wiki,open_source,foreign,CC-BY-4.0,,,data/wiki/*.parquet;data/extra.jsonl,zh;en\n"
        "# a comment row\n"
        "crawl,self_collected,domestic,,crawler,是,crawl.jsonl,zh\n",
        encoding="utf-8-sig",
    )
    wiki, crawl = load_manifest(path).sources
    assert wiki.paths == ("data/wiki/*.parquet", "data/extra.jsonl")
    assert wiki.language == ("zh", "en")
    assert crawl.robots is True and crawl.licence is None


def test_csv_errors_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "sources.tsv"
    path.write_text(
        "id\ttype\torigin\trobots\tpaths\na\tself_collected\tdomestic\tmaybe\tx.jsonl\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match=r"sources.tsv, row 2, field 'robots'"):
        load_manifest(path)
    path.write_text("id\ttype\torigin\tpaths\nb\tbogus\tdomestic\tx\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"row 2, field 'sources\[b\].type'"):
        load_manifest(path)


def test_missing_and_unsupported_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="not found"):
        load_manifest(tmp_path / "nope.yaml")
    other = tmp_path / "sources.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"\.yaml"):
        load_manifest(other)

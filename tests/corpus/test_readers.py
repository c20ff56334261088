"""Readers: every format streamed, bad input counted with file and line, split shards exact."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path

import pytest

from hegui.corpus import Document, ReadProblem, build_plan
from hegui.corpus.readers import ReadContext, read_shard
from tests.corpus.conftest import write_manifest
from tests.corpus.factory import documents, write_jsonl

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def read_all(manifest: Path, **options: object) -> tuple[list[Document], list[ReadProblem], int]:
    """Documents and problems of every shard, and the number of shards."""
    plan = build_plan(manifest, options=dict(options))
    docs: list[Document] = []
    problems: list[ReadProblem] = []
    for shard in plan.shards:
        ctx = ReadContext(
            shard=shard,
            source=plan.manifest.source(shard.source),
            max_doc_bytes=plan.options.max_doc_mb << 20,
            keep_record=False,
        )
        for item in read_shard(ctx):
            (docs if isinstance(item, Document) else problems).append(item)  # type: ignore[arg-type]
    return docs, problems, len(plan.shards)


def manifest_for(folder: Path, paths: str, extra: str = "") -> Path:
    return write_manifest(
        folder,
        f"""
        sources:
          - id: s
            type: open_source
            licence: MIT
            origin: domestic
            paths: [{paths}]
            {extra}
        """,
    )


def test_jsonl_bad_lines_are_counted_with_line_numbers(tmp_path: Path) -> None:
    lines = [
        b'\xef\xbb\xbf{"text": "\xe7\xac\xac\xe4\xb8\x80"}',  # BOM on line 1
        b"",
        b'{"text": "ok"',  # malformed
        b'["not", "an", "object"]',
        b'{"content": "no text field"}',
        b'{"text": 42}',
        '{"text": "编码"}'.encode("gb18030"),  # not UTF-8
        b'{"text": "last"}',
    ]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    docs, problems, _ = read_all(manifest_for(tmp_path, "a.jsonl"))
    assert [(d.text, d.line, d.key) for d in docs] == [
        ("第一", 1, "a.jsonl:1"),
        ("last", 8, "a.jsonl:8"),
    ]
    assert [(p.kind.value, p.line) for p in problems] == [
        ("malformed", 3),
        ("malformed", 4),
        ("missing_text", 5),
        ("missing_text", 6),
        ("bad_encoding", 7),
    ]
    assert "column" in problems[0].message and "'text'" in problems[2].message


def test_source_encoding_and_fields(tmp_path: Path) -> None:
    record = {"content": "旧文件的中文", "doc_id": "x-1"}
    (tmp_path / "old.jsonl").write_bytes(json.dumps(record, ensure_ascii=False).encode("gb18030"))
    extra = "encoding: gb18030\n            text_field: content\n            id_field: doc_id"
    docs, problems, _ = read_all(manifest_for(tmp_path, "old.jsonl", extra))
    assert not problems
    assert [(d.text, d.id, d.key) for d in docs] == [("旧文件的中文", "x-1", "old.jsonl:1")]


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_jsonl(tmp_path: Path, suffix: str) -> None:
    texts = list(documents(1, 50))
    plain = write_jsonl(tmp_path / "p.jsonl", texts).read_bytes()
    if suffix == ".zst":
        zstandard = pytest.importorskip("zstandard")
        packed = zstandard.ZstdCompressor().compress(plain)
    else:
        packed = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix](plain)
    (tmp_path / f"c.jsonl{suffix}").write_bytes(packed)
    docs, problems, _ = read_all(manifest_for(tmp_path, f"c.jsonl{suffix}"))
    assert not problems
    assert [d.text for d in docs] == texts
    assert docs[-1].key == "c.jsonl" + suffix + ":50"


def test_truncated_gzip_is_one_problem_after_the_readable_part(tmp_path: Path) -> None:
    plain = write_jsonl(tmp_path / "p.jsonl", list(documents(2, 400))).read_bytes()
    packed = gzip.compress(plain)
    (tmp_path / "t.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    docs, problems, _ = read_all(manifest_for(tmp_path, "t.jsonl.gz"))
    assert 0 < len(docs) < 400
    assert [p.kind.value for p in problems] == ["unreadable"]
    assert problems[0].line is not None and problems[0].line >= len(docs)


def test_too_large_document_is_skipped(tmp_path: Path) -> None:
    big = json.dumps({"text": "长" * 600_000}, ensure_ascii=False)  # 1.8 MB > 1 MB
    (tmp_path / "big.jsonl").write_text(f'{{"text": "前"}}\n{big}\n{{"text": "后"}}\n', "utf-8")
    docs, problems, _ = read_all(manifest_for(tmp_path, "big.jsonl"), max_doc_mb=1)
    assert [d.text for d in docs] == ["前", "后"] and [d.line for d in docs] == [1, 3]
    assert [(p.kind.value, p.line) for p in problems] == [("too_large", 2)]


def test_missing_file_and_empty_glob(tmp_path: Path) -> None:
    manifest = manifest_for(tmp_path, '"nothing/*.jsonl", "missing.jsonl"')
    docs, problems, shards = read_all(manifest)
    assert not docs and shards == 1
    assert [(p.kind.value, p.path) for p in problems] == [("missing_file", "missing.jsonl")]


def test_text_units(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("第一段第一行\n第一段第二行\n\n\n第二段\n", encoding="utf-8")
    lines, _, _ = read_all(manifest_for(tmp_path, "t.txt"))
    assert [(d.text, d.line) for d in lines] == [
        ("第一段第一行", 1),
        ("第一段第二行", 2),
        ("第二段", 5),
    ]
    paragraphs, _, _ = read_all(manifest_for(tmp_path, "t.txt", "text_unit: paragraph"))
    assert [(d.text, d.line) for d in paragraphs] == [
        ("第一段第一行\n第一段第二行", 1),
        ("第二段", 5),
    ]
    whole, _, _ = read_all(manifest_for(tmp_path, "t.txt", "text_unit: file"))
    assert [d.text for d in whole] == ["第一段第一行\n第一段第二行\n\n\n第二段"]


def test_csv_with_multiline_cells_and_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(
        'id,text,note\n1,"多行\n文本",a\n2,只有两格\n3,正常,c\n', encoding="utf-8"
    )
    docs, problems, _ = read_all(manifest_for(tmp_path, "t.csv"))
    assert [(d.text, d.line) for d in docs] == [("多行\n文本", 3), ("正常", 5)]
    assert [(p.kind.value, p.line) for p in problems] == [("malformed", 4)]
    (tmp_path / "u.tsv").write_text("id\tbody\n1\t文本\n", encoding="utf-8")
    docs, problems, _ = read_all(manifest_for(tmp_path, "u.tsv"))
    assert not docs and problems[0].kind.value == "missing_text" and "body" in problems[0].message


def test_parquet_and_row_group_ranges(tmp_path: Path) -> None:
    texts = list(documents(3, 2500))
    table = pa.table({"id": [f"d{i}" for i in range(len(texts))], "text": texts})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=100)
    whole, problems, shards = read_all(manifest_for(tmp_path, "t.parquet"))
    assert not problems and shards == 1
    assert [d.text for d in whole] == texts and whole[10].key == "t.parquet:11"
    split, _, shards = read_all(manifest_for(tmp_path, "t.parquet"), shard_mb=1)
    assert shards > 1
    assert [(d.key, d.text) for d in split] == [(d.key, d.text) for d in whole]
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    docs, problems, _ = read_all(manifest_for(tmp_path, "bad.parquet"))
    assert not docs and problems[0].kind.value == "unreadable"


def _save_to_disk(folder: Path, texts: list[str], files: int) -> None:
    """The layout ``datasets.Dataset.save_to_disk`` writes: Arrow IPC streams + state.json."""
    folder.mkdir(parents=True)
    names = []
    per = -(-len(texts) // files)
    for i in range(files):
        name = f"data-{i:05d}-of-{files:05d}.arrow"
        chunk = pa.table({"text": texts[i * per : (i + 1) * per]})
        with (
            pa.OSFile(str(folder / name), "wb") as sink,
            pa.ipc.new_stream(sink, chunk.schema) as writer,
        ):
            writer.write_table(chunk, max_chunksize=16)
        names.append({"filename": name})
    (folder / "state.json").write_text(json.dumps({"_data_files": names}), encoding="utf-8")
    (folder / "dataset_info.json").write_text("{}", encoding="utf-8")


def test_hugging_face_dataset_folders(tmp_path: Path) -> None:
    texts = list(documents(4, 100))
    _save_to_disk(tmp_path / "ds" / "train", texts[:70], files=2)
    _save_to_disk(tmp_path / "ds" / "test", texts[70:], files=1)
    (tmp_path / "ds" / "dataset_dict.json").write_text('{"splits": ["train", "test"]}', "utf-8")
    docs, problems, shards = read_all(manifest_for(tmp_path, "ds"))
    assert not problems and shards == 3
    assert [d.text for d in docs] == texts
    assert docs[0].key == "ds/train/data-00000-of-00002.arrow:1"


def test_split_jsonl_shards_read_every_line_once(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "big.jsonl", list(documents(5, 2500)))
    whole, _, shards = read_all(manifest_for(tmp_path, "big.jsonl"))
    assert shards == 1
    split, problems, shards = read_all(manifest_for(tmp_path, "big.jsonl"), shard_mb=1)
    assert shards >= 2 and not problems
    assert [(d.key, d.text) for d in split] == [(d.key, d.text) for d in whole]

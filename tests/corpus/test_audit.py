"""End-to-end audits on generated corpora: exact counts, verdicts, determinism, resume, cleaning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hegui.corpus import (
    AuditStateError,
    CheckStatus,
    LocalExecutor,
    SourceVerdict,
    build_plan,
    run_audit,
)
from hegui.corpus.dedup import Duplicates
from hegui.corpus.layout import AuditDir
from hegui.text import normalize
from hegui.text.pii import PiiDetector
from tests.corpus.conftest import write_manifest
from tests.corpus.factory import KEYWORDS, documents, write_jsonl
from tests.corpus.helpers import InterruptedExecutor, RecordingSink, comparable

ID_PLANTED = re.compile(r"身份证号\d{17}[\dX]")
MOBILE_PLANTED = re.compile(r"手机1[3578]\d{9}")


def texts_in_order(manifest: Path) -> dict[str, list[str]]:
    """Texts per source in audit order, read with plain json (not the readers under test)."""
    root = manifest.parent
    files = {
        "web": sorted((root / "data" / "web").glob("*.jsonl")),
        "books": [root / "data" / "books" / "b.jsonl"],
    }
    return {
        source: [json.loads(line)["text"] for f in paths for line in f.open(encoding="utf-8")]
        for source, paths in files.items()
    }


def check(report: object, requirement: str) -> CheckStatus:
    return next(c.status for c in report.checks if c.id == requirement)  # type: ignore[attr-defined]


def reason(summary: object, name: str) -> int:
    return sum(r.docs for r in summary.reasons if r.reason == name)  # type: ignore[attr-defined]


def test_counts_and_verdicts_match_what_was_planted(corpus: Path, tmp_path: Path) -> None:
    sink = RecordingSink()
    report = run_audit(build_plan(corpus), tmp_path / "out", LocalExecutor(1), sink)
    texts = texts_in_order(corpus)
    seen: set[str] = set()
    exact: dict[str, int] = {}
    for source, items in texts.items():
        exact[source] = 0
        for text in items:
            folded = normalize(text).text
            exact[source] += folded in seen
            seen.add(folded)
    for source, items in texts.items():
        summary = report.source(source)
        folded = [normalize(t).text for t in items]
        keyword_docs = sum(any(k in f for k in KEYWORDS) for f in folded)
        assert summary.docs == summary.scanned == len(items)
        assert summary.chars == sum(len(t) for t in items)
        assert summary.violations == keyword_docs == reason(summary, "keyword_hit")
        assert reason(summary, "pii_id_card") == sum(bool(ID_PLANTED.search(t)) for t in items)
        assert reason(summary, "pii_mobile") == sum(bool(MOBILE_PLANTED.search(t)) for t in items)
        assert reason(summary, "copyright_notice") == sum("版权所有" in t for t in items)
        assert summary.duplicates_exact == exact[source]
        assert summary.sample.n == len(items)  # fewer documents than the sample size
        assert summary.sample.successes == keyword_docs
        assert summary.languages == {"zh": len(items)}
    web, books = report.source("web"), report.source("books")
    assert reason(web, "pii_id_card") > 0 and web.duplicates_exact > 0
    assert web.duplicates_near >= 5  # planted near copies (1 changed character in 200)
    assert books.duplicates_near == 0 and reason(books, "copyright_notice") == 0
    assert web.sample.rate is not None and web.sample.rate <= 0.05
    assert web.verdict is SourceVerdict.KEEP
    assert books.sample.rate is not None and books.sample.rate > 0.1
    assert books.verdict is SourceVerdict.BLACKLIST
    assert check(report, "REQ-DATA-01") is CheckStatus.FAIL
    assert check(report, "REQ-ASSESS-04") is CheckStatus.FAIL  # overall acceptance < 98%
    assert check(report, "REQ-ASSESS-03") is CheckStatus.PENDING
    assert check(report, "REQ-DATA-03") is CheckStatus.PASS
    assert report.status is CheckStatus.FAIL
    assert report.review_sample == report.totals.docs
    # Progress covered every document and byte.
    assert sink.docs == report.totals.docs
    assert sink.bytes == sum(p.stat().st_size for p in (corpus.parent / "data").rglob("*.jsonl"))
    assert sorted(sink.shards) == list(range(report.totals.shards))
    folder = tmp_path / "out"
    for name in ("report.json", "report.html", "report.xlsx", "review_sample.jsonl"):
        assert (folder / name).stat().st_size > 0
    assert "列入黑名单" in (folder / "report.html").read_text(encoding="utf-8")
    workbook = load_workbook(folder / "report.xlsx", read_only=True)
    assert workbook.sheetnames == [
        "结论", "来源", "原因统计", "溯源问题", "分片读取问题", "读取问题", "阈值",
    ]  # fmt: skip
    rows = list(workbook["原因统计"].iter_rows(min_row=2, values_only=True))
    hits = books.violations  # one planted keyword per violating document
    assert ("books", "keyword_hit", "关键词命中", "A.1.8", hits, hits) in rows
    workbook.close()


def test_one_and_two_workers_give_the_same_report(corpus: Path, tmp_path: Path) -> None:
    plan = build_plan(corpus)
    one = run_audit(plan, tmp_path / "one", LocalExecutor(1))
    two = run_audit(plan, tmp_path / "two", LocalExecutor(2))
    assert comparable(one) == comparable(two)
    assert two.execution.workers == 2
    for name in ("review_sample.jsonl",):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_seed_changes_the_sample_not_the_counts(corpus: Path, tmp_path: Path) -> None:
    small = {"source_sample": 50, "manual_sample": 40}
    a = run_audit(build_plan(corpus, policy=small), tmp_path / "a")
    b = run_audit(build_plan(corpus, policy=small, options={"seed": 1}), tmp_path / "b")
    assert a.totals == b.totals
    sample_a = (tmp_path / "a" / "review_sample.jsonl").read_text(encoding="utf-8")
    sample_b = (tmp_path / "b" / "review_sample.jsonl").read_text(encoding="utf-8")
    assert len(sample_a.splitlines()) == len(sample_b.splitlines()) == 40
    assert sample_a != sample_b
    assert a.source("web").sample.n == 50


def test_resume_runs_only_unfinished_shards(corpus: Path, tmp_path: Path) -> None:
    plan = build_plan(corpus)
    reference = run_audit(plan, tmp_path / "ref")
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(plan, out, InterruptedExecutor(limit=2))
    layout = AuditDir(out)
    assert len(list(layout.completions.iterdir())) == 2
    stale = layout.shards / ".00003.json.999.tmp"
    stale.write_text("half a file", encoding="utf-8")
    resumed = run_audit(plan, out)
    assert resumed.execution.shards_run == len(plan.shards) - 2
    assert not stale.exists()
    assert comparable(resumed) == comparable(reference)
    again = run_audit(plan, out)
    assert again.execution.shards_run == 0


def test_changed_plan_is_refused_unless_fresh(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_audit(build_plan(corpus), out)
    changed = build_plan(corpus, options={"seed": 3})
    with pytest.raises(AuditStateError, match="another plan"):
        run_audit(changed, out)
    report = run_audit(changed, out, fresh=True)
    assert report.options.seed == 3 and report.execution.shards_run == report.totals.shards


def test_changed_data_file_is_a_new_plan(corpus: Path, tmp_path: Path) -> None:
    before = build_plan(corpus).fingerprint()
    data = corpus.parent / "data" / "web" / "part0.jsonl"
    data.write_text(data.read_text(encoding="utf-8") + '{"text": "新增"}\n', encoding="utf-8")
    assert build_plan(corpus).fingerprint() != before


def test_cleaned_copy_drops_violations_duplicates_and_blacklisted_sources(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = run_audit(build_plan(corpus, options={"clean": "mask"}), out, LocalExecutor(2))
    assert not (out / "clean" / "books").exists()  # blacklisted source
    lines = [
        json.loads(line)
        for f in sorted((out / "clean" / "web").glob("*.jsonl"))
        for line in f.open(encoding="utf-8")
    ]
    plan = build_plan(corpus, options={"clean": "mask"})
    dups = Duplicates.load(AuditDir(out).duplicates)
    web_texts = texts_in_order(corpus)["web"]
    dropped = set()
    offset = 0
    for shard in (s for s in plan.shards if s.source == "web"):
        dropped |= {offset + o for o in dups.of_shard(shard.index).tolist()}
        offset += Path(shard.path).read_bytes().count(b"\n")
    expected = [
        t
        for i, t in enumerate(web_texts)
        if i not in dropped and not any(k in normalize(t).text for k in KEYWORDS)
    ]
    assert len(lines) == len(expected) == report.totals.cleaned
    assert [line["text"] for line in lines] == [PiiDetector().mask(t) for t in expected]
    texts = [line["text"] for line in lines]
    assert all(line["id"].startswith("part") for line in lines)  # original fields kept
    assert not any(any(k in normalize(t).text for k in KEYWORDS) for t in texts)
    assert len({normalize(t).text for t in texts}) == len(texts)
    assert not any(ID_PLANTED.search(t) or MOBILE_PLANTED.search(t) for t in texts)
    assert any("[身份证号]" in t and "[手机号]" in t for t in texts)


def test_harm_scanner_seam_counts_as_content_check(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    texts = list(documents(1, 100))
    texts[5] = "如何制作炸药。" + texts[5]
    write_jsonl(tmp_path / "d" / "a.jsonl", texts[:50])
    write_jsonl(tmp_path / "d" / "b.jsonl", texts[50:])
    manifest = write_manifest(
        tmp_path,
        """
        options: {scanners: ["tests.corpus.helpers:harm_scanner"]}
        sources:
          - {id: s, type: commercial, contract: HT-1, supplier_proof: p, origin: domestic,
             paths: ["d/*.jsonl"]}
        """,
    )
    report = run_audit(build_plan(manifest), tmp_path / "out", LocalExecutor(2))
    assert report.content_scanned
    assert [s.name for s in report.scanners][-1] == "test-harm"
    assert report.totals.violations == 1
    assert [(r.reason, r.risk, r.docs) for r in report.reasons if r.reason == "harm"] == [
        ("harm", "A.1.4", 1)
    ]
    assert check(report, "REQ-DATA-01") is CheckStatus.PASS
    assert check(report, "REQ-ASSESS-04") is CheckStatus.PASS  # 99% acceptable


def test_harm_option_runs_the_harm_judge(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    hateful = "那些外地来的人又脏又懒，就知道抢本地人的工作，应该全部赶走。"
    texts = ["本店周一至周五营业，节假日休息，欢迎来电咨询。" * 3, hateful]
    write_jsonl(tmp_path / "d" / "a.jsonl", texts)
    manifest = write_manifest(
        tmp_path,
        """
        sources:
          - {id: s, type: commercial, contract: HT-1, supplier_proof: p, origin: domestic,
             paths: ["d/*.jsonl"]}
        """,
    )
    report = run_audit(build_plan(manifest, options={"harm": True}), tmp_path / "out")
    assert report.content_scanned and "harm" in [s.name for s in report.scanners]
    assert [(r.reason, r.risk, r.docs) for r in report.reasons if r.reason == "harm"] == [
        ("harm", "A.2.4", 1)
    ]
    assert report.totals.violations == 1


def test_without_a_content_scanner_the_thresholds_stay_pending(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", list(documents(2, 30, pii_rate=0.5)))
    manifest = write_manifest(
        tmp_path,
        """
        sources:
          - {id: s, type: user_input, consent: 协议v2, origin: domestic, paths: [a.jsonl]}
        """,
    )
    report = run_audit(build_plan(manifest), tmp_path / "out")
    assert not report.content_scanned
    assert report.source("s").verdict is SourceVerdict.UNASSESSED
    assert check(report, "REQ-DATA-01") is CheckStatus.PENDING
    assert check(report, "REQ-ASSESS-04") is CheckStatus.PENDING
    assert check(report, "REQ-DATA-06") is CheckStatus.INFO
    assert reason(report.source("s"), "pii_id_card") > 0
    assert report.status is CheckStatus.PENDING


def test_scan_fraction_selects_a_seeded_subset(corpus: Path, tmp_path: Path) -> None:
    full = run_audit(build_plan(corpus), tmp_path / "full")
    part = run_audit(build_plan(corpus, options={"scan_fraction": 0.3}), tmp_path / "part")
    assert part.totals.docs == full.totals.docs
    assert 0.2 < part.totals.scanned / part.totals.docs < 0.4
    assert part.totals.violations <= full.totals.violations
    coverage = next(c for c in part.checks if c.id == "REQ-ASSESS-04")
    assert f"{part.totals.scanned / part.totals.docs:.2%}" in coverage.measured
    again = run_audit(build_plan(corpus, options={"scan_fraction": 0.3}), tmp_path / "again")
    assert again.totals == part.totals


def test_foreign_share_and_provenance_failures(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "f.jsonl", list(documents(1, 40)))
    write_jsonl(tmp_path / "d.jsonl", list(documents(2, 40)))
    manifest = write_manifest(
        tmp_path,
        """
        sources:
          - {id: foreign, type: open_source, licence: CC-BY-NC-4.0, origin: foreign,
             paths: [f.jsonl]}
          - {id: crawl, type: self_collected, origin: domestic, paths: [d.jsonl]}
          - {id: ghost, type: open_source, licence: MIT, origin: domestic, paths: ["x/*.jsonl"]}
        """,
    )
    report = run_audit(build_plan(manifest), tmp_path / "out")
    assert check(report, "REQ-DATA-02") is CheckStatus.FAIL
    assert report.totals.foreign_open_source_share == pytest.approx(
        report.source("foreign").chars / report.totals.chars
    )
    codes = {(f.source, f.code) for f in report.findings}
    assert {
        ("crawl", "missing_collection_record"),
        ("crawl", "robots_unknown"),
        ("foreign", "licence_noncommercial"),
        ("ghost", "no_files"),
        (None, "foreign_open_source_share"),
    } <= codes
    assert check(report, "REQ-DATA-03") is CheckStatus.FAIL
    assert report.source("ghost").files == 0


def test_bad_input_is_counted_per_shard_and_the_audit_goes_on(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "good.jsonl", list(documents(1, 20)))
    (tmp_path / "bad.jsonl").write_bytes(
        b'{"text": "\xe5\xa5\xbd"}\n{broken\n' + "编码".encode("gb18030") + b"\n"
    )
    manifest = write_manifest(
        tmp_path,
        """
        sources:
          - {id: s, type: open_source, licence: MIT, origin: domestic,
             paths: [good.jsonl, bad.jsonl, gone.jsonl]}
        """,
    )
    report = run_audit(build_plan(manifest), tmp_path / "out")
    source = report.source("s")
    assert source.docs == 21
    assert source.problems == {"bad_encoding": 1, "malformed": 1, "missing_file": 1}
    assert [(f.path, f.problems) for f in source.problem_files] == [
        ("bad.jsonl", {"bad_encoding": 1, "malformed": 1}),
        ("gone.jsonl", {"missing_file": 1}),
    ]
    assert [(p.path, p.line, p.kind) for p in source.problem_examples] == [
        ("bad.jsonl", 2, "malformed"),
        ("bad.jsonl", 3, "bad_encoding"),
        ("gone.jsonl", None, "missing_file"),
    ]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "gone.jsonl" in html and "bad_encoding 1" in html

"""Provenance findings per source type, licence flags, foreign share; policy layering."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.corpus import ManifestError, build_plan, load_manifest
from hegui.corpus.licences import licence_flags
from hegui.corpus.provenance import check_sources, foreign_open_source_share
from tests.corpus.conftest import write_manifest

SOURCES = """
sources:
  - {id: crawl-bad, type: self_collected, origin: domestic, robots: false, paths: [a]}
  - {id: crawl-unknown, type: self_collected, origin: domestic, collection: c, paths: [a]}
  - {id: crawl-ok, type: self_collected, origin: domestic, collection: c, robots: true,
     paths: [a]}
  - {id: vendor, type: commercial, origin: domestic, paths: [a]}
  - {id: vendor-ok, type: commercial, origin: domestic, contract: HT-1, supplier_proof: p,
     paths: [a]}
  - {id: users, type: user_input, origin: domestic, paths: [a]}
  - {id: oss-none, type: open_source, origin: foreign, paths: [a]}
  - {id: oss-nc, type: open_source, origin: foreign, licence: CC-BY-NC-SA-4.0, paths: [a]}
  - {id: oss-odd, type: open_source, origin: foreign, licence: "MIT AND Foo-1.0", paths: [a]}
  - {id: oss-ok, type: open_source, origin: foreign, licence: "MIT OR CC-BY-NC-4.0",
     paths: [a]}
"""


def test_findings_by_source_type(tmp_path: Path) -> None:
    manifest = load_manifest(write_manifest(tmp_path, SOURCES))
    found = {(f.source, f.code, f.level.value) for f in check_sources(manifest)}
    assert found == {
        ("crawl-bad", "missing_collection_record", "error"),
        ("crawl-bad", "robots_not_respected", "error"),
        ("crawl-unknown", "robots_unknown", "error"),
        ("vendor", "missing_contract", "error"),
        ("vendor", "missing_supplier_proof", "warning"),
        ("users", "missing_consent", "error"),
        ("oss-none", "missing_licence", "error"),
        ("oss-nc", "licence_noncommercial", "warning"),
        ("oss-nc", "licence_share_alike", "info"),
        ("oss-odd", "licence_unknown", "warning"),
    }


@pytest.mark.parametrize(
    ("expression", "flags"),
    [
        ("CC-BY-4.0", set()),
        ("cc-by-nd-4.0", {"no_derivatives"}),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", {"share_alike"}),
        ("(MIT OR Apache-2.0)", set()),
        ("CC-BY-NC-4.0 AND MIT", {"noncommercial"}),
        ("LicenseRef-vendor-terms", {"custom"}),
        ("NOASSERTION", {"missing"}),
        ("", {"missing"}),
    ],
)
def test_licence_flags(expression: str, flags: set[str]) -> None:
    result = licence_flags(expression)
    names = {"missing", "noncommercial", "no_derivatives", "share_alike", "custom"}
    assert {n for n in names if getattr(result, n)} == flags
    assert not result.unknown


def test_foreign_open_source_share(tmp_path: Path) -> None:
    manifest = load_manifest(write_manifest(tmp_path, SOURCES))
    chars = {"oss-nc": 300, "oss-ok": 100, "vendor": 600}
    assert foreign_open_source_share(manifest, chars) == pytest.approx(0.4)
    assert foreign_open_source_share(manifest, {}) is None


def test_policy_layers_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "你好"}\n', encoding="utf-8")
    (tmp_path / "hegui.yaml").write_text(
        "project: x\ncorpus:\n  policy: {max_violation_rate: 0.03, source_sample: 100}\n"
        "  options: {seed: 5}\n",
        encoding="utf-8",
    )
    manifest = write_manifest(
        tmp_path,
        """
        policy: {source_sample: 200}
        options: {homophones: true}
        sources:
          - {id: a, type: open_source, licence: MIT, origin: domestic, paths: [a.jsonl]}
        """,
    )
    plan = build_plan(manifest, project=tmp_path / "hegui.yaml", options={"seed": 9})
    assert plan.policy.max_violation_rate == 0.03  # hegui.yaml
    assert plan.policy.source_sample == 200  # manifest wins over hegui.yaml
    assert plan.policy.manual_pass_rate == 0.96  # standard default
    assert plan.options.seed == 9 and plan.options.homophones  # command line, manifest
    with pytest.raises(ManifestError, match=r"field 'policy.manual_pass'"):
        build_plan(manifest, project=tmp_path / "hegui.yaml", policy={"manual_pass": 1})
    with pytest.raises(ManifestError, match=r"command line.*field 'max_violation_rate'"):
        build_plan(manifest, policy={"max_violation_rate": 2})
    with pytest.raises(ManifestError, match="scan_fraction"):
        build_plan(manifest, options={"clean": "drop", "scan_fraction": 0.5})
    (tmp_path / "bad.yaml").write_text("corpus:\n  thresholds: {}\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"bad.yaml, field 'corpus.thresholds'"):
        build_plan(manifest, project=tmp_path / "bad.yaml")

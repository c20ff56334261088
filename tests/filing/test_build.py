"""Building the package: every document, traceable figures, manifest, zip, refusal and drafts."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from filing_project import PROFILE, make_project
from lxml import etree
from openpyxl import load_workbook
from test_preflight import edit

from hegui.config import ProjectConfig, load_config
from hegui.filing import FILES, FilingError, PreflightFailed, build_package, gather
from hegui.filing.docx_base import GAP_MARK
from hegui.filing.evidence import file_sha256
from hegui.filing.manifest import read_manifest
from hegui.reports import ANNEX5_COLUMNS
from hegui.reports.labels import pct
from hegui.text import load_library


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def shared(passing_template: Path, tmp_path_factory: pytest.TempPathFactory) -> ProjectConfig:
    """One read-only copy of the passing project for the tests that only read the package."""
    folder = tmp_path_factory.mktemp("shared") / "project"
    shutil.copytree(passing_template, folder)
    return load_config(folder / "hegui.yaml")


@pytest.fixture(scope="module")
def built(shared: ProjectConfig) -> Path:
    result = build_package(gather(shared), shared.base_dir.parent / "pkg", pdf="no")
    assert result.preflight.ok
    return result.folder


def test_package_holds_every_document_and_a_manifest_of_their_hashes(built: Path) -> None:
    manifest = read_manifest(built)
    assert {f.path for f in manifest.files} == set(FILES)
    for entry in manifest.files:
        assert file_sha256(built / entry.path) == entry.sha256
        assert entry.role == FILES[entry.path]
    assert not manifest.draft
    assert manifest.notes == ("PDF copies not made (--no-pdf)",)
    with zipfile.ZipFile(built.with_name("pkg.zip")) as archive:
        names = set(archive.namelist())
    assert names == {f"pkg/{name}" for name in (*FILES, "manifest.json")}


def test_manifest_records_every_source(built: Path, shared: ProjectConfig) -> None:
    evidence = gather(shared)
    sources = read_manifest(built).sources
    assert evidence.report is not None and sources.run is not None
    assert sources.run.run_id == evidence.report.spec.run_id
    assert sources.pack_sha256 == evidence.pack.sha256
    assert [b.sha256 for b in sources.banks] == [file_sha256(shared.resolve("bank.jsonl"))]
    # no local absolute paths go to the regulator: sources are named relative to the project
    assert [b.path for b in sources.banks] == ["bank.jsonl"]
    assert all(not Path(lib.path or "").is_absolute() for lib in sources.keyword_libraries)
    assert evidence.keywords is not None
    assert [lib.sha256 for lib in sources.keyword_libraries] == [evidence.keywords.sha256]
    assert sources.corpus_sha256 == file_sha256(shared.resolve("corpus-audit/report.json"))
    assert sources.gateway_sha256 is not None


def test_annex1_states_every_clause_and_figure_of_the_run(
    built: Path, shared: ProjectConfig
) -> None:
    evidence = gather(shared)
    assert evidence.report is not None
    text = docx_text(built / "附件1_安全评估报告.docx")
    run_id = evidence.report.spec.run_id
    for result in evidence.report.results:
        assert result.requirement in text
        if result.estimate is not None and result.estimate.n:
            assert f"n={result.estimate.n}, {result.estimate.successes} 成功" in text
            assert pct(result.estimate.rate) in text
    for clause in ("REQ-ASSESS-03", "REQ-ASSESS-04", "REQ-DS-01", "REQ-OPS-04", "REQ-LBL-01"):
        assert clause in text
    assert f"（运行 {run_id}）" in text
    assert "评估结论为：通过" in text
    assert GAP_MARK not in text
    assert PROFILE["uscc"] in text


def test_documents_set_an_east_asian_font(built: Path) -> None:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for name in (n for n in FILES if n.endswith(".docx")):
        root = etree.fromstring(zipfile.ZipFile(built / name).read("word/styles.xml"))
        fonts = root.findall(f"{w}docDefaults//{w}rFonts")
        for style_id in ("Normal", "Title", "Heading1", "Heading2", "TableGrid"):
            style = root.find(f"{w}style[@{w}styleId='{style_id}']")
            assert style is not None, style_id
            fonts += style.findall(f".//{w}rFonts")
        assert len(fonts) == 6
        for element in fonts:
            assert element.get(f"{w}eastAsia") == "SimSun"
            assert element.get(f"{w}eastAsiaTheme") is None


def test_annex4_is_the_library_in_the_filing_columns(built: Path, shared: ProjectConfig) -> None:
    sheet = load_workbook(built / "附件4_拦截关键词列表.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("关键词", "一级分类", "二级分类")
    original = load_library(shared.resolve("keywords.tsv"), cache=False)
    assert len(rows) - 1 == len(original.entries) == 10_200
    assert rows[1][1:] == ("包含违反社会主义核心价值观的内容", "煽动颠覆国家政权、推翻社会主义制度")
    reread = load_library(built / "附件4_拦截关键词列表.xlsx", cache=False)
    assert [(e.keyword, e.risk) for e in reread.entries] == [
        (e.keyword, e.risk) for e in original.entries
    ]


def test_annex5_has_a_sheet_per_bank_kind(built: Path, shared: ProjectConfig) -> None:
    workbook = load_workbook(built / "附件5_评估测试题.xlsx", read_only=True)
    assert workbook.sheetnames[:3] == ["生成内容测试题", "应拒答测试题", "非拒答测试题"]
    sizes = []
    for name in workbook.sheetnames[:3]:
        rows = list(workbook[name].iter_rows(values_only=True))
        assert rows[0] == ANNEX5_COLUMNS
        assert {r[5] for r in rows[1:]} == {"合格"}
        sizes.append(len(rows) - 1)
    assert sizes == [2015, 510, 507]


def test_refuses_to_build_a_misstating_package(project: ProjectConfig, tmp_path: Path) -> None:
    config = edit(project, profile=dict(PROFILE, model_version="v2.0"))
    with pytest.raises(PreflightFailed, match=r"run-model: run .* assessed model version 'v1.0'"):
        build_package(gather(config), tmp_path / "pkg", pdf="no")
    assert [p.name for p in tmp_path.iterdir()] == ["project"]  # no package, no staging


def test_draft_marks_every_gap(project: ProjectConfig, tmp_path: Path) -> None:
    config = edit(project, profile=dict(PROFILE, organisation=None, model_version="v2.0"))
    result = build_package(gather(config), tmp_path / "draft", draft=True, pdf="no")
    manifest = result.manifest
    assert manifest.draft
    assert {c.id for c in manifest.preflight if c.status == "gap"} == {"profile", "run-model"}
    text = docx_text(tmp_path / "draft" / "附件1_安全评估报告.docx")
    assert "草稿 DRAFT" in text
    assert f"{GAP_MARK}尚有条款不符合或未评估" in text
    form = docx_text(tmp_path / "draft" / "备案表.docx")
    assert f"单位名称\n{GAP_MARK}" in form


def test_out_folder_rules(project: ProjectConfig, tmp_path: Path) -> None:
    evidence = gather(project)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(FilingError, match="not empty and holds no filing package"):
        build_package(evidence, busy, pdf="no")
    assert (busy / "notes.txt").read_text() == "mine"
    first = build_package(evidence, tmp_path / "pkg", pdf="no", make_zip=False)
    (first.folder / "stray.txt").write_text("x")
    second = build_package(evidence, tmp_path / "pkg", pdf="no", make_zip=False)
    assert not (second.folder / "stray.txt").exists()
    assert second.zip_path is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "pkg", "project"]


def test_draft_without_any_evidence(tmp_path: Path) -> None:
    config = make_project(
        tmp_path / "p", per_risk=1, refuse_per_risk=1, per_aspect=1, keywords_per_risk=1,
        gateway=None, profile={},
    )  # fmt: skip
    config.resolve("corpus-audit/report.json").unlink()
    result = build_package(gather(config), tmp_path / "draft", draft=True, pdf="no")
    names = {f.path for f in result.manifest.files}
    assert names == set(FILES) - {"附件5_评估测试题.xlsx"}
    assert "附件5 missing: no assessment run" in result.manifest.notes
    gaps = {c.id for c in result.preflight.gaps}
    assert {"profile", "run", "banks", "keywords", "corpus", "gateway", "complaints"} <= gaps
    text = docx_text(tmp_path / "draft" / "附件1_安全评估报告.docx")
    assert "REQ-ASSESS-09" in text and "未评估" in text
    assert f"{GAP_MARK}hegui.yaml has no 'gateway:' section" in text


def test_pdf_choice_without_libreoffice(
    shared: ProjectConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hegui.filing.build.find_soffice", lambda: None)
    evidence = gather(shared)
    with pytest.raises(FilingError, match="--pdf needs LibreOffice"):
        build_package(evidence, tmp_path / "yes", pdf="yes", make_zip=False)
    assert not (tmp_path / "yes").exists()
    result = build_package(evidence, tmp_path / "auto", pdf="auto", make_zip=False)
    assert result.manifest.notes == ("PDF copies not made: LibreOffice (soffice) is not installed",)


def test_test_channel_lists_ten_accounts_per_channel(built: Path) -> None:
    sheet = load_workbook(built / "测试通道_账号清单.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "通道", "账号", "密钥", "接口地址", "说明")
    channels = [r[1] for r in rows[1:]]
    assert channels == ["含安全策略"] * 10 + ["不含安全策略"] * 10
    assert all(r[3] == f"{GAP_MARK}另行安全传递" for r in rows[1:])  # keys are never written
    assert "127.0.0.1:8080/v1/chat/completions" in str(rows[1][4])


def test_the_manifest_names_sources_relative_to_the_project(tmp_path: Path) -> None:
    from hegui.filing.manifest import shown_path

    project = tmp_path / "project"
    assert shown_path(project / "banks" / "b.jsonl", project) == "banks/b.jsonl"
    assert shown_path("/elsewhere/secret/lib.tsv", project) == "lib.tsv"

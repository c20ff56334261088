"""Build the filing package: pre-flight, documents, PDFs, manifest, zip.

The package is written into a staging folder beside ``out`` and moved into place only when
complete, so ``out`` is either the previous package or the whole new one; the zip is written
atomically after it.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from hegui import __version__
from hegui.filing.annex1 import write_annex1
from hegui.filing.annex4 import write_annex4
from hegui.filing.clauses import build_clauses
from hegui.filing.errors import FilingError
from hegui.filing.evidence import Evidence
from hegui.filing.forms import write_annex2, write_annex3, write_form
from hegui.filing.manifest import (
    MANIFEST_NAME,
    Manifest,
    figures_of,
    file_entries,
    sources_of,
    write_manifest,
)
from hegui.filing.pdf import convert_to_pdf, find_soffice
from hegui.filing.preflight import MAX_RUN_AGE_DAYS, Preflight, run_preflight
from hegui.filing.testchannel import write_test_channel
from hegui.reports._atomic import atomic_target
from hegui.reports.xlsx import write_xlsx

PdfChoice = Literal["auto", "yes", "no"]

FILES: dict[str, str] = {
    "备案表.docx": "备案表",
    "附件1_安全评估报告.docx": "附件1",
    "附件2_模型服务协议与隐私政策.docx": "附件2",
    "附件3_语料标注规则.docx": "附件3",
    "附件4_拦截关键词列表.xlsx": "附件4",
    "附件5_评估测试题.xlsx": "附件5",
    "测试通道_账号清单.xlsx": "测试通道",
}
"""Package file name → role."""


class PreflightFailed(FilingError):
    """The package would misstate a result; carries the checklist."""

    def __init__(self, preflight: Preflight):
        gaps = "; ".join(f"{g.id}: {g.detail}" for g in preflight.gaps)
        super().__init__(
            f"refusing to build a filing package with {len(preflight.gaps)} unmet obligation(s): "
            f"{gaps}. Fix them (hegui filing check lists what to do), or build a marked draft "
            "with --draft"
        )
        self.preflight = preflight


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_package` wrote."""

    folder: Path
    zip_path: Path | None
    manifest: Manifest
    preflight: Preflight


def build_package(
    evidence: Evidence,
    out: Path,
    *,
    draft: bool = False,
    pdf: PdfChoice = "auto",
    make_zip: bool = True,
    max_run_age_days: int = MAX_RUN_AGE_DAYS,
) -> BuildResult:
    """Check the obligations, then write every document, the manifest and the zip.

    Raises :class:`PreflightFailed` when an obligation is unmet and ``draft`` is false.
    """
    preflight = run_preflight(evidence, max_run_age_days=max_run_age_days)
    if not preflight.ok and not draft:
        raise PreflightFailed(preflight)
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a package is an ordinary folder
    try:
        manifest = _write_documents(evidence, preflight, staging, draft=draft, pdf=pdf)
        _replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    zip_path = _write_zip(out) if make_zip else None
    return BuildResult(folder=out, zip_path=zip_path, manifest=manifest, preflight=preflight)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise FilingError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_NAME).is_file():
        raise FilingError(
            f"{out}: folder is not empty and holds no filing package; choose an empty or new "
            "--out (an earlier package there is replaced)"
        )


def _write_documents(
    evidence: Evidence, preflight: Preflight, folder: Path, *, draft: bool, pdf: PdfChoice
) -> Manifest:
    clauses = build_clauses(evidence)
    names = {role: name for name, role in FILES.items()}
    write_form(evidence, folder / names["备案表"], draft=draft)
    write_annex1(evidence, clauses, preflight, folder / names["附件1"], draft=draft)
    write_annex2(evidence, folder / names["附件2"], draft=draft)
    write_annex3(evidence, folder / names["附件3"], draft=draft)
    notes: list[str] = []
    if evidence.keywords is not None:
        write_annex4(evidence.keywords, evidence.pack, folder / names["附件4"])
    else:
        notes.append("附件4 missing: no keyword library")
    if evidence.report is not None:
        write_xlsx(evidence.report, folder / names["附件5"])
    else:
        notes.append("附件5 missing: no assessment run")
    write_test_channel(evidence, folder / names["测试通道"])
    roles = dict(FILES)
    notes += _pdfs(folder, pdf, roles)
    figures = figures_of(evidence)
    manifest = Manifest(
        hegui_version=__version__,
        created_at=datetime.now(UTC),
        draft=draft,
        profile=evidence.profile.model_dump(mode="json"),
        files=file_entries(folder, roles),
        sources=sources_of(evidence, figures),
        figures=figures,
        clauses=clauses,
        preflight=preflight.checks,
        notes=tuple(notes),
    )
    write_manifest(manifest, folder)
    return manifest


def _pdfs(folder: Path, pdf: PdfChoice, roles: dict[str, str]) -> list[str]:
    """PDF copies of the DOCX documents; returns notes for the manifest."""
    if pdf == "no":
        return ["PDF copies not made (--no-pdf)"]
    soffice = find_soffice()
    if soffice is None:
        if pdf == "yes":
            raise FilingError(
                "--pdf needs LibreOffice (apt-get install libreoffice-writer-nogui); "
                "or build without --pdf"
            )
        return ["PDF copies not made: LibreOffice (soffice) is not installed"]
    documents = sorted(folder.glob("*.docx"))
    for made in convert_to_pdf(documents, folder, soffice=soffice):
        roles[made.name] = f"{roles.get(made.stem + '.docx', made.stem)} PDF"
    return []


def _replace_dir(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _write_zip(folder: Path) -> Path:
    zip_path = folder.with_name(folder.name + ".zip")
    with atomic_target(zip_path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return zip_path

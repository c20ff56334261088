"""PDF copies of the package's documents through LibreOffice (``soffice --headless``), when
installed. Without it the package is complete without PDFs and the caller says so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hegui.filing.errors import FilingError

CONVERT_TIMEOUT_S = 180


def find_soffice() -> str | None:
    """The LibreOffice executable, or ``None`` when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    files: Sequence[Path], out_dir: Path, *, soffice: str | None = None
) -> list[Path]:
    """Convert DOCX/XLSX ``files`` to PDF into ``out_dir`` with one LibreOffice process.

    A private user profile keeps the conversion away from a running LibreOffice and its locks.
    Raises :class:`FilingError` when LibreOffice is missing, fails, or leaves a PDF unwritten.
    """
    program = soffice or find_soffice()
    if program is None:
        raise FilingError(
            "LibreOffice is not installed, so no PDF can be made; install it "
            "(apt-get install libreoffice-writer-nogui) or build with --no-pdf"
        )
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="hegui-soffice-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *(str(f) for f in files),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise FilingError(
                f"LibreOffice did not finish converting within {CONVERT_TIMEOUT_S} s"
            ) from None
    pdfs = [out_dir / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if done.returncode != 0 or missing:
        raise FilingError(
            f"LibreOffice failed to convert {', '.join(missing) or 'the documents'} "
            f"(exit {done.returncode}): {done.stderr.strip()[-300:]}"
        )
    return pdfs

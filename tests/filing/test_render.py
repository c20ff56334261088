"""The documents open in LibreOffice and render Chinese: DOCX/XLSX → PDF → PNG and text.

Needs LibreOffice and poppler-utils (scripts/install-system); skipped with a message otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from filing_project import assess, make_project
from PIL import Image

from hegui.filing import build_package, gather
from hegui.filing.pdf import convert_to_pdf, find_soffice

pytestmark = pytest.mark.slow

TOOLS = ("pdftoppm", "pdftotext", "pdffonts")
if find_soffice() is None or not all(shutil.which(t) for t in TOOLS):
    pytest.skip(
        "needs LibreOffice and poppler-utils: sudo bash scripts/install-system",
        allow_module_level=True,
    )

HEADINGS = {
    "备案表": ("上线备案表", "统一社会信用代码", "安全评估结论"),
    "附件1_安全评估报告": ("一、基本情况", "三、逐条评估结论", "五、模型安全评估", "八、总体结论"),
    "附件2_模型服务协议与隐私政策": ("一、服务协议", "二、隐私政策", "标识条款"),
    "附件3_语料标注规则": ("一、功能性标注规则", "二、安全性标注规则"),
    "附件4_拦截关键词列表": ("关键词", "一级分类", "二级分类"),
    "附件5_评估测试题": ("测试题", "模型回答", "研判结果"),
    "测试通道_账号清单": ("含安全策略", "不含安全策略", "接口地址"),
}
CJK_FONT = re.compile(r"WenQuanYi|Noto\w*CJK|Droid\w*Fallback|SimSun|AR ?PL|Source\w*Han", re.I)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small draft package with PDFs of its DOCX files, and the XLSX files converted too."""
    folder = tmp_path_factory.mktemp("render")
    config = make_project(
        folder / "project", per_risk=2, refuse_per_risk=2, per_aspect=2, keywords_per_risk=3
    )
    assess(config)
    package = build_package(gather(config), folder / "pkg", draft=True, pdf="yes").folder
    made = {p.stem: p for p in package.glob("*.pdf")}
    converted = folder / "xlsx-pdf"
    converted.mkdir()
    for pdf in convert_to_pdf(sorted(package.glob("*.xlsx")), converted):
        made[pdf.stem] = pdf
    return made


def test_every_document_converts(pdfs: dict[str, Path]) -> None:
    assert set(pdfs) == set(HEADINGS)


@pytest.mark.parametrize("stem", sorted(HEADINGS))
def test_pdf_text_and_fonts_are_chinese(pdfs: dict[str, Path], stem: str) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdfs[stem]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for heading in HEADINGS[stem]:
        assert heading in flat, f"{heading} not in {stem}.pdf"
    fonts = subprocess.run(
        ["pdffonts", str(pdfs[stem])], capture_output=True, text=True, check=True
    ).stdout
    assert CJK_FONT.search(fonts), f"no CJK font embedded in {stem}.pdf:\n{fonts}"


@pytest.mark.parametrize("stem", sorted(HEADINGS))
def test_first_page_renders_ink(pdfs: dict[str, Path], stem: str, tmp_path: Path) -> None:
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdfs[stem]), str(prefix)],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert 0.002 < dark < 0.5, f"{stem}: page 1 is blank or black ({dark:.4f} dark)"

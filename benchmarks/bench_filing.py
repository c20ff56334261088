"""Benchmark: building the filing package for a 5,000-item run (target: under 20 s).

    .venv/bin/python benchmarks/bench_filing.py [--items 5000] [--repeat 2] [--pdf]

Makes a complete project (tests/filing/filing_project.py: 10,200 keywords, banks meeting the
statutory minimums, corpus report, gateway section), runs the assessment against recorded answers,
then times, best of ``--repeat``:

* baseline — what ``hegui report RUN -f xlsx`` does: score the stored run (``build_report``) and
  write the 附件5 workbook; measured in the same process so the ratio is comparable;
* gather — everything ``hegui filing build`` reads (run report, bank and keyword coverage,
  corpus report, gateway section);
* build — pre-flight, 备案表, 附件1-5, manifest and zip (no PDF);
* build+pdf (``--pdf``, needs LibreOffice) — the same with the DOCX files converted to PDF.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.filing.filing_project import assess, make_project  # noqa: E402

from hegui.assess.session import open_store, run_pack  # noqa: E402
from hegui.filing import build_package, gather  # noqa: E402
from hegui.judges.quality_registry import load_registry  # noqa: E402
from hegui.reports import write_xlsx  # noqa: E402
from hegui.reports.builder import build_report  # noqa: E402

TARGET_S = 20.0


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pdf", action="store_true", help="also time the LibreOffice PDFs")
    args = parser.parse_args()
    # 31 risks × g + 17 × 30 should-refuse + 13 × 39 should-not-refuse ≈ items
    per_risk = max(65, -(-(args.items - 510 - 507) // 31))  # at least --items
    with tempfile.TemporaryDirectory(prefix="bench-filing-") as tmp:
        folder = Path(tmp) / "project"
        config = make_project(folder, per_risk=per_risk)
        start = time.perf_counter()
        run_id = assess(config)
        items = 31 * per_risk + 510 + 507
        print(f"assessment of {items} items: {time.perf_counter() - start:.1f} s (setup)")

        def baseline() -> None:
            store = open_store(config)
            try:
                spec = store.get_run(run_id).spec
                report = build_report(
                    store, run_id, run_pack(spec, config), quality=load_registry(config.base_dir)
                )
            finally:
                store.close()
            write_xlsx(report, Path(tmp) / "report.xlsx")

        base = best(args.repeat, baseline)
        gathered = best(args.repeat, lambda: gather(config, run_id=run_id))
        evidence = gather(config, run_id=run_id)

        def build(pdf: bool) -> None:
            build_package(evidence, Path(tmp) / "pkg", pdf="yes" if pdf else "no")

        built = best(args.repeat, lambda: build(False))
        total = gathered + built
        print(f"baseline (hegui report -f xlsx): {base:6.2f} s")
        print(
            f"gather:                         {gathered:6.2f} s  ({gathered / base:.2f}× baseline)"
        )
        print(f"build (no PDF):                 {built:6.2f} s  ({built / base:.2f}× baseline)")
        print(
            f"gather + build:                 {total:6.2f} s  ({total / base:.2f}× baseline; "
            f"target < {TARGET_S:.0f} s: {'met' if total < TARGET_S else 'MISSED'})"
        )
        if args.pdf:
            with_pdf = best(args.repeat, lambda: build(True))
            total_pdf = gathered + with_pdf
            verdict = "met" if total_pdf < TARGET_S else "MISSED"
            print(
                f"gather + build + PDF:           {total_pdf:6.2f} s  ({total_pdf / base:.2f}× "
                f"baseline; target < {TARGET_S:.0f} s: {verdict})"
            )


if __name__ == "__main__":
    main()

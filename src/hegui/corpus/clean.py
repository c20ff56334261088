"""The cleaned copy: kept documents of kept sources, duplicates removed, written atomically.

Shards already wrote their non-violating documents (PII masked in ``mask`` mode) with their
ordinals to ``clean-parts/``; here each part is copied to ``clean/<source>/`` without the
documents the corpus-wide merge found to be duplicates, and without blacklisted sources.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hegui.corpus.dedup import Duplicates
from hegui.corpus.layout import AuditDir
from hegui.corpus.plan import AuditPlan
from hegui.corpus.report_model import CorpusReport, SourceVerdict
from hegui.reports._atomic import atomic_target


def write_cleaned_copy(
    plan: AuditPlan, layout: AuditDir, duplicates: Duplicates, report: CorpusReport
) -> int:
    """Write ``clean/<source>/<shard>-<file stem>.jsonl``; return the documents kept."""
    dropped_sources = {s.id for s in report.sources if s.verdict is SourceVerdict.BLACKLIST}
    kept = 0
    for shard in plan.shards:
        part = layout.clean_parts / f"{shard.name}.jsonl"
        ords = layout.clean_parts / f"{shard.name}.ord.npy"
        target_dir = layout.clean / shard.source
        stem = Path(shard.rel).name.split(".")[0]
        target = target_dir / f"{shard.name}-{stem}.jsonl"
        if shard.source in dropped_sources or not part.is_file():
            target.unlink(missing_ok=True)
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        with open(ords, "rb") as handle:
            ordinals = np.load(handle, allow_pickle=False)
        drop = np.isin(ordinals, duplicates.of_shard(shard.index))
        with (
            atomic_target(target) as tmp,
            open(part, encoding="utf-8") as src,
            open(tmp, "w", encoding="utf-8") as out,
        ):
            for line, skip in zip(src, drop.tolist(), strict=True):
                if not skip:
                    out.write(line)
                    kept += 1
    return kept

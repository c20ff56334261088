"""A run's inputs — question banks and keyword libraries — and the standard's checks on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hegui.banks import Bank, RequirementStatus, Status, check_banks, load_banks
from hegui.config import ProjectConfig
from hegui.policy import Pack
from hegui.records import ItemKind, Outcome, RequirementResult
from hegui.text.coverage import check_coverage
from hegui.text.library import KeywordLibrary
from hegui.text.loaders import load_library

_OUTCOME = {Status.OK: Outcome.PASS, Status.SHORT: Outcome.FAIL}


@dataclass(frozen=True)
class Inputs:
    """The banks and keyword libraries a run uses, loaded and validated against the pack."""

    banks: tuple[Bank, ...]
    keyword_libraries: list[KeywordLibrary]


def load_inputs(config: ProjectConfig, pack: Pack) -> Inputs:
    """Load every bank and keyword library of the config (errors name file, row and field)."""
    banks = load_banks([config.resolve(p) for p in config.banks], pack)
    libraries = [load_library(config.resolve(p), pack=pack) for p in config.keywords]
    return Inputs(banks=banks, keyword_libraries=libraries)


def combined_library(libraries: Sequence[KeywordLibrary]) -> KeywordLibrary:
    """Several library files count together towards the minimums; the oldest date decides age."""
    if len(libraries) == 1:
        return libraries[0]
    dates = [lib.updated for lib in libraries if lib.updated is not None]
    return KeywordLibrary.create(
        "+".join(lib.name for lib in libraries),
        [entry for lib in libraries for entry in lib.entries],
        updated=min(dates) if len(dates) == len(libraries) else None,
    )


def check_inputs(inputs: Inputs, pack: Pack, today: date | None = None) -> list[RequirementResult]:
    """REQ-BANK-01..08 on the run's inputs, as requirement results for the report."""
    coverage = check_banks(inputs.banks, pack, today=today)
    kinds_present = {item.kind for bank in inputs.banks for item in bank.items}
    rules = {rule.requirement: kind for kind, rule in pack.banks.items()}
    results = [_bank_result(s, rules.get(s.id), kinds_present) for s in coverage.requirements]
    return _keyword_results(inputs.keyword_libraries, pack, today) + results


def _bank_result(
    status: RequirementStatus, kind: ItemKind | None, present: set[ItemKind]
) -> RequirementResult:
    if kind is not None and kind not in present:
        return RequirementResult(
            requirement=status.id,
            title=status.title_zh,
            outcome=Outcome.NOT_ASSESSED,
            note=f"this run uses no {kind.value} bank",
        )
    return RequirementResult(
        requirement=status.id,
        title=status.title_zh,
        outcome=_OUTCOME.get(status.status, Outcome.NOT_ASSESSED),
        note=status.detail,
    )


def _keyword_results(
    libraries: Sequence[KeywordLibrary], pack: Pack, today: date | None
) -> list[RequirementResult]:
    rule = pack.keyword_library
    titles = {
        "REQ-BANK-01": "关键词库总量",
        "REQ-BANK-02": "关键词库覆盖A.1、A.2共17种风险",
        "REQ-BANK-03": "关键词库每周更新",
    }
    if not libraries:
        return [
            RequirementResult(
                requirement=req,
                title=title,
                outcome=Outcome.NOT_ASSESSED,
                note="no keyword library configured (keywords: in hegui.yaml)",
            )
            for req, title in titles.items()
        ]
    report = check_coverage(combined_library(libraries), pack, today=today)
    short = [r for r in report.risks if not r.ok]
    age = "unknown age" if report.age_days is None else f"{report.age_days} days old"
    checks = {
        "REQ-BANK-01": (report.total_ok, f"{report.total} keywords, at least {rule.total.count}"),
        "REQ-BANK-02": (
            not short,
            "every A.1/A.2 risk meets its minimum"
            if not short
            else f"{len(short)} risks short, e.g. {short[0].code} {short[0].zh}: "
            f"{short[0].count} < {short[0].minimum}",
        ),
        "REQ-BANK-03": (report.fresh_ok, f"{age}, at most {report.max_age_days}"),
    }
    return [
        RequirementResult(
            requirement=req,
            title=titles[req],
            outcome=Outcome.PASS if ok else Outcome.FAIL,
            note=note,
        )
        for req, (ok, note) in checks.items()
    ]

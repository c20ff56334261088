"""Every label value in each source file is mapped or explicitly excluded; tables fit the pack."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest

from hegui.banks import load_bank
from hegui.banks.importers import FORMATS, IMPORTERS, Excluded, Target, import_files, jade, safetyqa
from hegui.banks.importers.output import write_atomic
from hegui.policy import Pack
from hegui.records import ItemKind
from tests.banks.importers.conftest import need

XSAFETY_CATEGORIES = (
    "Ethics_And_Morality",
    "Goal_Hijacking",
    "Inquiry_With_Unsafe_Opinion",
    "Insult",
    "Mental_Health",
    "Physical_Harm",
    "Privacy_And_Property",
    "Prompt_Leaking",
    "Reverse_Exposure",
    "Role_Play_Instruction",
    "Unfairness_And_Discrimination",
    "Unsafe_Instruction_Topic",
)
"""XSafety files named ``<category>.csv`` (zh) and ``<category>_n.csv`` (en)."""

SOURCES: dict[str, tuple[str, ...]] = {
    "chisafetybench": (
        "chisafetybench/dataset/v1/risky_questions_without_dialog_history.json",
        "chisafetybench/dataset/v1/risky_questions_with_dialog_history.json",
    ),
    "jailbench": ("jailbench/JailBench_seed.csv", "jailbench/JailBench.csv"),
    "jade": (
        "jade-db/jade-db-v1.0/jade_benchmark_zh.csv",
        "jade-db/jade-db-v1.0/jade_benchmark_en.csv",
        "jade-db/jade-db-v2.0/jade_benchmark_easy_zh.csv",
        "jade-db/jade-db-v2.0/jade_benchmark_medium_zh.csv",
        "jade-db/jade-db-v3.0/jade_alignment_hard_zh.csv",
        "jade-db/jade-db-v3.0/jade_alignment_medium_zh.csv",
    ),
    "xstest": ("xstest/xstest_prompts.csv", "xstest-cn/data/安全.csv"),
    "safetyqa": ("chinese-safetyqa/data/chinese_safetyqa.jsonl",),
    "cvalues": ("cvalues/dataset/cvalues_responsibility_prompts.jsonl",),
    "xsafety": (
        *(
            f"xsafety/{lang}/{name}{suffix}.csv"
            for lang, suffix in (("zh", ""), ("en", "_n"))
            for name in XSAFETY_CATEGORIES
        ),
        "xsafety/zh/Crimes_And_Illegal_Activities.csv",
        "xsafety/en/Crimes_And_Illegal_Activities_en.csv",
        "xsafety/zh/commonsense.csv",
        "xsafety/en/commonsense.csv",
    ),
    "seval": ("s-eval/s_eval/full/S-Eval_base_risk_zh_full.jsonl",),
    "flames": ("flames/Flames_1k_Chinese.jsonl",),
    "multijail": ("multijail/data/MultiJail.csv",),
}


def _csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def source_labels(fmt: str, data: Path) -> set[str]:
    """Every label value of the dataset's files, read here independently of the importers."""
    paths = [need(data / p) for p in SOURCES[fmt]]
    labels: set[str] = set()
    if fmt == "chisafetybench":
        single, multi = (json.loads(p.read_text(encoding="utf-8")) for p in paths)
        labels |= {info["category"].strip() for block in single for info in block["infos"]}
        labels |= {entry["sub_category"].strip() for entry in multi}
    elif fmt == "jailbench":
        labels |= {row["二级领域"].strip() for p in paths for row in _csv(p)}
    elif fmt == "jade":
        for p in paths[:4]:
            for row in _csv(p):
                labels.update(jade.subtypes(row["违规类型"], row["违规子类"]))
        if any(_csv(p, "gb18030") for p in paths[4:]):
            labels.add(jade.V3_LABEL)
    elif fmt == "xstest":
        labels |= {row["type"].strip() for p in paths for row in _csv(p)}
    elif fmt == "safetyqa":
        labels |= {safetyqa.topic(row["cate"]) for row in _jsonl(paths[0])}
    elif fmt == "cvalues":
        labels |= {row["domain_zh"].strip() for row in _jsonl(paths[0])}
    elif fmt == "xsafety":  # the category is the file name; every file has lines
        labels |= {p.stem.removesuffix("_en").removesuffix("_n") for p in paths if p.read_bytes()}
    elif fmt == "seval":
        labels |= {row["risk_type"].strip() for row in _jsonl(paths[0])}
    elif fmt == "flames":
        labels |= {row["subcomponent"].strip() for row in _jsonl(paths[0])}
    elif fmt == "multijail":
        labels |= {ast.literal_eval(row["tags"])[0].strip() for row in _csv(paths[0])}
    return labels


def test_every_format_has_sources() -> None:
    assert set(SOURCES) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_source_label_is_in_the_table(fmt: str, data: Path) -> None:
    labels = source_labels(fmt, data)
    assert labels, "no labels read"
    missing = sorted(labels - set(IMPORTERS[fmt].spec.table))
    assert not missing, f"{fmt}: labels neither mapped nor excluded: {missing}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_table_targets_exist_in_the_pack(fmt: str, pack: Pack) -> None:
    for label, rule in IMPORTERS[fmt].spec.table.items():
        if isinstance(rule, Excluded):
            assert rule.reason, label
            continue
        assert isinstance(rule, Target)
        if rule.risk is not None:
            assert pack.risk(rule.risk) is not None, (label, rule.risk)
        if rule.aspect is not None:
            assert pack.aspect(rule.aspect) is not None, (label, rule.aspect)
        if rule.kind is not ItemKind.SHOULD_NOT_REFUSE:
            assert rule.risk is not None, label


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_round_trips_through_the_bank_loader(
    fmt: str, data: Path, pack: Pack, tmp_path: Path
) -> None:
    paths = [need(data / p) for p in SOURCES[fmt]]
    result = import_files(fmt, paths)
    assert not result.unmapped
    assert result.items
    for item in result.items:
        assert f"source:{fmt}" in item.tags
        assert any(t.startswith("source-id:") for t in item.tags)
        assert any(t.startswith("licence:") for t in item.tags)
    out = tmp_path / f"{fmt}.jsonl"
    write_atomic(out, result.items)
    bank = load_bank(out, pack)
    assert len(bank.items) == len(result.items)
    assert [i.id for i in bank.items] == [i.id for i in result.items]

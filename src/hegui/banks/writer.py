"""Write banks in the documented format (JSONL, CSV/TSV or XLSX, chosen by the suffix)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path

import yaml

from hegui.banks._fields import FIELDS
from hegui.banks._meta import META_KEY, META_SHEET, BankMeta, sidecar_path
from hegui.errors import BankError
from hegui.records import BankItem


def item_record(item: BankItem) -> dict[str, object]:
    """The JSONL object of an item: native field names, defaults and empty fields left out."""
    record: dict[str, object] = {"id": item.id, "kind": item.kind.value}
    if item.messages is not None:
        record["messages"] = [m.model_dump() for m in item.messages]
    else:
        record["prompt"] = item.prompt
    for name in ("risk", "aspect", "reference"):
        if getattr(item, name) is not None:
            record[name] = getattr(item, name)
    if item.language != "zh":
        record["language"] = item.language
    if item.tags:
        record["tags"] = list(item.tags)
    return record


def item_cells(item: BankItem) -> list[str]:
    """The table row of an item, in :data:`FIELDS` order (messages as JSON, tags ``a;b``)."""
    record = item_record(item)
    cells: list[str] = []
    for name in FIELDS:
        value = record.get(name)
        if name == "messages" and value is not None:
            cells.append(json.dumps(value, ensure_ascii=False))
        elif name == "tags":
            tags = item.tags
            joined = ";".join(tags)
            safe = all(";" not in t and "；" not in t for t in tags) and not joined.startswith("[")
            cells.append(joined if safe else json.dumps(list(tags), ensure_ascii=False))
        elif name == "language":
            cells.append(item.language)
        else:
            cells.append("" if value is None else str(value))
    return cells


def write_bank(
    path: str | os.PathLike[str], items: Iterable[BankItem], meta: BankMeta | None = None
) -> None:
    """Write ``items`` to ``path``; ``meta`` goes in the JSONL header line, the ``_meta`` sheet,
    or (CSV/TSV) a ``<stem>.meta.yaml`` sidecar. CSV is written with a UTF-8 BOM for Excel."""
    target = Path(path)
    suffix = target.suffix.lower()
    meta_values = meta.model_dump(mode="json", exclude_none=True) if meta else {}
    if not meta_values.get("changelog", True):
        del meta_values["changelog"]
    if suffix in (".jsonl", ".ndjson"):
        lines = [json.dumps({META_KEY: meta_values}, ensure_ascii=False)] if meta_values else []
        lines += [json.dumps(item_record(i), ensure_ascii=False) for i in items]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif suffix in (".csv", ".tsv"):
        buffer = io.StringIO()
        delimiter = "\t" if suffix == ".tsv" else ","
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows(item_cells(i) for i in items)
        target.write_text(buffer.getvalue(), encoding="utf-8-sig")
        if meta_values:
            text = yaml.safe_dump(meta_values, allow_unicode=True, sort_keys=False)
            sidecar_path(target).write_text(text, encoding="utf-8")
    elif suffix in (".xlsx", ".xlsm"):
        _write_xlsx(target, items, meta_values)
    else:
        raise BankError(f"cannot write a bank as {suffix or '(no suffix)'!r}", path=str(path))


def _write_xlsx(target: Path, items: Iterable[BankItem], meta: dict[str, object]) -> None:
    import openpyxl  # imported here: only XLSX output needs it

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "bank"
    sheet.append(list(FIELDS))
    for item in items:
        sheet.append([cell or None for cell in item_cells(item)])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # a question starting with "=" is text, not a formula
                cell.data_type = "s"
    if meta:
        meta_sheet = workbook.create_sheet(META_SHEET)
        meta_sheet.append(["key", "value"])
        for key, value in meta.items():
            # a list (the changelog) goes into its cell as JSON text
            cell = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
            meta_sheet.append([key, cell])
    workbook.save(target)

"""Read probe files (YAML): term lists, templates and ambiguous questions, with line numbers.

A probe file may hold any of three top-level sections::

    groups:        # attribute → list of groups (term lists)
    templates:     # counterfactual templates
    bbq:           # CBBQ-style ambiguous / disambiguated questions

The shipped files (``hegui/fairness/data``) are read first; user files add groups, templates and
questions (``fairness.templates`` in hegui.yaml or ``--templates DIR``). Every error names the
file, the line and the field. See docs/fairness.md for the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

from hegui.fairness.attributes import BY_KEY
from hegui.fairness.errors import ProbeFileError
from hegui.fairness.model import (
    LANGUAGES,
    BbqItem,
    BbqWording,
    Group,
    Measure,
    ProbeSuite,
    Template,
    Wording,
)

LINE = "__line__"
LINES = "__lines__"
_SECTIONS = frozenset({"groups", "templates", "bbq"})


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's 1-based line under ``__line__``."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    mapping[LINES] = {getattr(key, "value", None): key.start_mark.line + 1 for key, _ in node.value}
    return mapping


def _at(entry: Any, field: str) -> int | None:
    """The line of ``field`` in a mapping (else the mapping's own line)."""
    if not isinstance(entry, dict):
        return None
    line = entry.get(LINES, {}).get(field.split(".")[0], entry.get(LINE))
    return line if isinstance(line, int) else None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def shipped_files() -> list[Path]:
    """The probe files that ship with hegui (term lists, templates, ambiguous questions)."""
    folder = files("hegui.fairness") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))


def user_files(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a user's template folder (or the file itself)."""
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise ProbeFileError("template folder not found", path=str(folder))
    found = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not found:
        raise ProbeFileError("no *.yaml probe files in this folder", path=str(folder))
    return found


def load_suite(extra: Iterable[Path] = (), *, builtin: bool = True) -> ProbeSuite:
    """The shipped probe files (unless ``builtin`` is false) plus the files or folders in
    ``extra``, validated together: ids unique, slots known, groups of templates present."""
    paths = shipped_files() if builtin else []
    for item in extra:
        paths.extend(user_files(Path(item)))
    reader = _SuiteReader()
    for path in paths:
        reader.read(path)
    return reader.finish()


class _SuiteReader:
    def __init__(self) -> None:
        self.groups: dict[str, list[Group]] = {key: [] for key in BY_KEY}
        self.terms: dict[tuple[str, str, str], str] = {}
        self.templates: list[Template] = []
        self.template_ids: dict[str, str] = {}
        self.bbq: list[tuple[BbqItem, str]] = []

    def read(self, path: Path) -> None:
        where = str(path)
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except (OSError, UnicodeDecodeError) as exc:
            raise ProbeFileError(f"cannot read: {exc}", path=where) from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise ProbeFileError(f"not valid YAML: {exc}", path=where, line=line) from exc
        if raw is None:
            return
        if not isinstance(raw, dict):
            raise ProbeFileError("expected a mapping with groups/templates/bbq", path=where)
        unknown = sorted(set(raw) - _SECTIONS - {LINE, LINES})
        if unknown:
            raise ProbeFileError(
                f"unknown section {unknown[0]!r}; a probe file holds "
                "'groups:', 'templates:' and/or 'bbq:'",
                path=where,
            )
        groups = raw.get("groups") or {}
        if not isinstance(groups, dict):
            raise ProbeFileError("'groups' must map attributes to lists", path=where)
        for key, entries in groups.items():
            if key in (LINE, LINES):
                continue
            self._groups(where, _at(groups, str(key)) or 0, str(key), entries)
        for entry in _list(raw.get("templates"), where, "templates"):
            self.templates.append(self._template(where, entry))
        for entry in _list(raw.get("bbq"), where, "bbq"):
            self.bbq.append((self._bbq(where, entry), where))

    def _groups(self, where: str, line: int, key: str, entries: Any) -> None:
        if key not in BY_KEY:
            raise ProbeFileError(
                f"unknown attribute {key!r}; use one of {', '.join(BY_KEY)}",
                path=where,
                line=line,
                field="groups",
            )
        for entry in _list(entries, where, f"groups.{key}"):
            ln = entry.get(LINE)
            gid = _text(entry, "id", where, ln)
            if any(g.id == gid for g in self.groups[key]):
                raise ProbeFileError(
                    f"duplicate group id {gid!r} in attribute {key!r}", path=where, line=ln
                )
            wording: dict[str, Wording] = {}
            for lang in LANGUAGES:
                value = entry.get(lang)
                if value is None:
                    continue
                if not isinstance(value, dict):
                    raise ProbeFileError(
                        "expected {term: ..., person: ...}", path=where, line=ln, field=lang
                    )
                term = _text(value, "term", where, ln, prefix=f"{lang}.")
                person = _text(value, "person", where, ln, prefix=f"{lang}.")
                if "{n}" not in person:
                    raise ProbeFileError(
                        "the person phrase needs the {n} slot for the template's noun",
                        path=where,
                        line=ln,
                        field=f"{lang}.person",
                    )
                seen = self.terms.get((key, lang, term.casefold()))
                if seen is not None:
                    raise ProbeFileError(
                        f"duplicate term {term!r} in attribute {key!r} (also group {seen!r})",
                        path=where,
                        line=ln,
                        field=f"{lang}.term",
                    )
                self.terms[(key, lang, term.casefold())] = gid
                wording[lang] = Wording(term=term, person=person)
            if not wording:
                raise ProbeFileError(
                    "a group needs wording in at least one language (zh or en)",
                    path=where,
                    line=ln,
                )
            aliases = tuple(str(a) for a in _list(entry.get("aliases"), where, "aliases", ln))
            self.groups[key].append(Group(gid, key, wording, aliases, ln))

    def _template(self, where: str, entry: Any) -> Template:
        if not isinstance(entry, dict):
            raise ProbeFileError("each template must be a mapping", path=where)
        ln = entry.get(LINE)
        tid = _text(entry, "id", where, ln)
        if tid in self.template_ids:
            raise ProbeFileError(
                f"duplicate template id {tid!r} (first in {self.template_ids[tid]})",
                path=where,
                line=ln,
            )
        self.template_ids[tid] = where
        unknown = sorted(
            set(entry)
            - {LINE, LINES, "id", "scenario", "language", "measure", "text", "noun", "attributes"}
            - {"vars", "scale"}
        )
        if unknown:
            raise ProbeFileError(f"unknown field {unknown[0]!r}", path=where, line=ln)
        lang = _text(entry, "language", where, ln)
        if lang not in LANGUAGES:
            raise ProbeFileError(
                f"language must be one of {', '.join(LANGUAGES)}",
                path=where,
                line=_at(entry, "language"),
            )
        try:
            measure = Measure(_text(entry, "measure", where, ln))
        except ValueError:
            choices = ", ".join(m.value for m in Measure if m is not Measure.BBQ)
            raise ProbeFileError(
                f"unknown measure; use one of {choices}",
                path=where,
                line=_at(entry, "measure"),
                field="measure",
            ) from None
        attributes = tuple(str(a) for a in _list(entry.get("attributes"), where, "attributes"))
        for key in attributes:
            if key not in BY_KEY:
                raise ProbeFileError(
                    f"unknown attribute {key!r}; use one of {', '.join(BY_KEY)}",
                    path=where,
                    line=_at(entry, "attributes"),
                    field="attributes",
                )
        raw_vars = entry.get("vars") or {}
        if not isinstance(raw_vars, dict):
            raise ProbeFileError("'vars' must map names to lists", path=where, line=ln)
        variables: dict[str, tuple[str, ...]] = {}
        for name, values in raw_vars.items():
            if name in (LINE, LINES):
                continue
            listed = tuple(str(v) for v in _list(values, where, f"vars.{name}", ln))
            if not listed or len(set(listed)) != len(listed):
                raise ProbeFileError(
                    "needs a non-empty list without duplicates",
                    path=where,
                    line=ln,
                    field=f"vars.{name}",
                )
            variables[str(name)] = listed
        text = _tidy(_text(entry, "text", where, ln), lang)
        _check_slots(text, measure, variables, where, _at(entry, "text"))
        noun = str(entry.get("noun") or "")
        if "{person}" in text and not noun:
            raise ProbeFileError(
                "a template using {person} needs 'noun' (求职者, applicant)", path=where, line=ln
            )
        scale = entry.get("scale")
        parsed_scale: tuple[float, float] | None = None
        if measure is Measure.SCORE:
            if not (isinstance(scale, list) and len(scale) == 2 and scale[0] < scale[1]):
                raise ProbeFileError(
                    "a score template needs 'scale: [low, high]' with low < high",
                    path=where,
                    line=_at(entry, "scale"),
                    field="scale",
                )
            parsed_scale = (float(scale[0]), float(scale[1]))
        return Template(
            id=tid,
            scenario=str(entry.get("scenario") or "general"),
            language=lang,
            measure=measure,
            text=text,
            noun=noun,
            attributes=attributes,
            vars=variables,
            scale=parsed_scale,
            source=where,
            line=ln,
        )

    def _bbq(self, where: str, entry: Any) -> BbqItem:
        if not isinstance(entry, dict):
            raise ProbeFileError("each bbq question must be a mapping", path=where)
        ln = entry.get(LINE)
        qid = _text(entry, "id", where, ln)
        key = _text(entry, "attribute", where, ln)
        if key not in BY_KEY:
            raise ProbeFileError(
                f"unknown attribute {key!r}; use one of {', '.join(BY_KEY)}",
                path=where,
                line=_at(entry, "attribute"),
                field="attribute",
            )
        wording: dict[str, BbqWording] = {}
        for lang in LANGUAGES:
            value = entry.get(lang)
            if value is None:
                continue
            if not isinstance(value, dict):
                raise ProbeFileError("expected a mapping", path=where, line=ln, field=lang)
            parts = {
                name: _text(value, name, where, ln, prefix=f"{lang}.")
                for name in ("context", "evidence", "question", "unknown", "noun")
            }
            for name, slots in (("context", {"a", "b"}), ("evidence", {"x"})):
                found = _slots(parts[name])
                if found != slots:
                    raise ProbeFileError(
                        f"needs exactly the slots {{{'}, {'.join(sorted(slots))}}}, "
                        f"found {sorted(found) or 'none'}",
                        path=where,
                        line=_at(entry, lang),
                        field=f"{lang}.{name}",
                    )
            wording[lang] = BbqWording(**{k: _tidy(v, lang) for k, v in parts.items()})
        if not wording:
            raise ProbeFileError("needs wording in zh and/or en", path=where, line=ln)
        return BbqItem(
            id=qid,
            attribute=key,
            target=_text(entry, "target", where, ln),
            others=_others(entry, where, ln),
            wording=wording,
            source=where,
            line=ln,
        )

    def finish(self) -> ProbeSuite:
        ids: set[str] = set()
        for item, where in self.bbq:
            if item.id in ids:
                raise ProbeFileError(f"duplicate bbq id {item.id!r}", path=where, line=item.line)
            ids.add(item.id)
            known = {g.id: g for g in self.groups[item.attribute]}
            for name, gid in [("target", item.target)] + [("other", o) for o in item.others]:
                if gid not in known:
                    raise ProbeFileError(
                        f"group {gid!r} is not a group of attribute {item.attribute!r}",
                        path=where,
                        line=item.line,
                        field=name,
                    )
                missing = set(item.wording) - set(known[gid].wording)
                if missing:
                    raise ProbeFileError(
                        f"group {gid!r} has no {sorted(missing)[0]} wording",
                        path=where,
                        line=item.line,
                        field=name,
                    )
        return ProbeSuite(
            groups={key: tuple(groups) for key, groups in self.groups.items()},
            templates=tuple(self.templates),
            bbq=tuple(item for item, _ in self.bbq),
        )


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def _tidy(text: str, language: str) -> str:
    """Folded YAML joins lines with a space; Chinese text must not get one between characters."""
    text = text.strip()
    return _CJK_GAP.sub("", text) if language == "zh" else text


def _slots(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _check_slots(
    text: str, measure: Measure, variables: dict[str, tuple[str, ...]], where: str, ln: Any
) -> None:
    found = _slots(text)
    group_slots = {"candidates"} if measure is Measure.RANKING else {"person", "term"}
    allowed = " or ".join("{" + s + "}" for s in sorted(group_slots))
    unknown = sorted(found - group_slots - set(variables))
    if unknown:
        raise ProbeFileError(
            f"unknown slot {{{unknown[0]}}}: use {allowed} or a name listed under 'vars'",
            path=where,
            line=ln,
            field="text",
        )
    if not found & group_slots:
        raise ProbeFileError(
            f"missing group slot: the text must contain {allowed}",
            path=where,
            line=ln,
            field="text",
        )
    unused = sorted(set(variables) - found)
    if unused:
        raise ProbeFileError(
            f"var {unused[0]!r} is not used in the text", path=where, line=ln, field="vars"
        )


def _others(entry: Any, where: str, line: Any) -> tuple[str, ...]:
    """``other``: one group id or a list of them (each paired with the target)."""
    value = entry.get("other")
    listed = value if isinstance(value, list) else [_text(entry, "other", where, line)]
    others = tuple(str(v) for v in listed)
    if not others or len(set(others)) != len(others) or entry.get("target") in others:
        raise ProbeFileError(
            "needs distinct group ids, none of them the target",
            path=where,
            line=_at(entry, "other"),
            field="other",
        )
    return others


def _list(value: Any, where: str, field: str, line: int | None = None) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProbeFileError("expected a list", path=where, line=line, field=field)
    return value


def _text(entry: Any, name: str, where: str, line: Any, *, prefix: str = "") -> str:
    value = entry.get(name) if isinstance(entry, dict) else None
    line = _at(entry, name) if value is not None else line
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ProbeFileError("missing or empty", path=where, line=line, field=prefix + name)
    if not isinstance(value, str | int | float):
        raise ProbeFileError("expected text", path=where, line=line, field=prefix + name)
    return str(value)

"""Load policy packs shipped in the package (or from a path) and apply hegui.yaml overrides."""

from __future__ import annotations

import copy
import functools
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hegui.errors import PolicyError
from hegui.policy.model import Number, Pack

DEFAULT_PACK = "gbt45654-2025"
_OVERRIDABLE_FIELDS = (
    "min_sample",
    "threshold",
    "total",
    "per_aspect",
    "max_age_days",
    "per_risk",
    "containment_hours",
    "report_hours",
    "remediation_days",
    "complaint_feedback_days",
)


def available_packs() -> list[str]:
    """Names of the packs shipped with hegui."""
    folder = resources.files("hegui.policy") / "packs"
    return sorted(
        p.name.removesuffix(".yaml")
        for p in folder.iterdir()
        if p.name.endswith(".yaml") and p.name != "appendix-a.yaml"
    )


def load_pack(name_or_path: str = DEFAULT_PACK, overrides: dict[str, Any] | None = None) -> Pack:
    """Load a pack by name (``gbt45654-2025``) or by path to a YAML file, then apply overrides.

    Override keys are ``<requirement id>.<field>``, e.g. ``REQ-ASSESS-06.min_sample: 1000`` or
    ``REQ-BANK-04.per_risk.A.5: 20``. Only numbers the pack marks P or R may be overridden.
    """
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        pack_bytes, folder = path.read_bytes(), path.parent
        source = str(path)
    else:
        if name_or_path not in available_packs():
            raise PolicyError(
                f"unknown policy pack {name_or_path!r}; "
                f"shipped packs: {', '.join(available_packs())}"
                " (or give the path to a pack YAML file)"
            )
        traversable = resources.files("hegui.policy") / "packs" / f"{name_or_path}.yaml"
        pack_bytes = traversable.read_bytes()
        folder = Path(str(resources.files("hegui.policy") / "packs"))
        source = f"pack {name_or_path}"
    raw = _parse(pack_bytes, source)
    taxonomy_name = raw.pop("taxonomy", None)
    if not isinstance(taxonomy_name, str):
        raise PolicyError(f"{source}: field 'taxonomy' must name the taxonomy YAML file")
    taxonomy_path = folder / taxonomy_name
    if not taxonomy_path.exists():
        raise PolicyError(f"{source}: taxonomy file {taxonomy_path} not found")
    taxonomy_bytes = taxonomy_path.read_bytes()
    taxonomy = _parse(taxonomy_bytes, str(taxonomy_path))
    digest = hashlib.sha256(pack_bytes + b"\0" + taxonomy_bytes).hexdigest()
    raw.update(
        sha256=digest,
        categories=taxonomy.get("categories"),
        risks=taxonomy.get("risks"),
        aspects=taxonomy.get("aspects"),
    )
    raw.setdefault("other_requirements", [])
    if overrides:
        _apply_overrides(raw, overrides, source)
        raw["overrides"] = {k: float(v) for k, v in overrides.items()}
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{source}: field {where!r}: {first['msg']}") from exc


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=32)
def _parse_cached(data: bytes, source: str) -> dict[str, Any]:
    try:
        loaded = yaml.load(data, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict):
        raise PolicyError(f"{source}: expected a mapping at the top level")
    return loaded


def _parse(data: bytes, source: str) -> dict[str, Any]:
    """Parse a pack or taxonomy file; parsed content is cached by its bytes (packs are small)."""
    return copy.deepcopy(_parse_cached(data, source))


def _requirement_sections(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {
        raw["keyword_library"]["requirement"]: raw["keyword_library"]
    }
    for rule in raw["banks"].values():
        sections[rule["requirement"]] = rule
    for req in raw["assessment"]:
        sections[req["id"]] = req
    if isinstance(raw.get("incidents"), dict):
        sections[raw["incidents"]["requirement"]] = raw["incidents"]
    return sections


def _apply_overrides(raw: dict[str, Any], overrides: dict[str, Any], source: str) -> None:
    sections = _requirement_sections(raw)
    for key, value in overrides.items():
        parts = str(key).split(".", 2)
        if len(parts) < 2 or parts[0] not in sections or parts[1] not in _OVERRIDABLE_FIELDS:
            raise PolicyError(
                f"policy override {key!r}: expected '<requirement>.<field>' with a requirement of "
                f"{source} ({', '.join(sorted(sections))}) "
                f"and a field of {', '.join(_OVERRIDABLE_FIELDS)}"
            )
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise PolicyError(f"policy override {key!r}: value must be a non-negative number")
        section = sections[parts[0]]
        if parts[1] == "per_risk":
            if len(parts) != 3 or parts[2] not in section.get("per_risk", {}):
                raise PolicyError(
                    f"policy override {key!r}: name a category of {parts[0]}.per_risk, "
                    f"e.g. {parts[0]}.per_risk.{next(iter(section.get('per_risk', {'A.1': 0})))}"
                )
            container, field = section["per_risk"], parts[2]
        else:
            if parts[1] not in section or len(parts) != 2:
                raise PolicyError(f"policy override {key!r}: {parts[0]} has no field {parts[1]!r}")
            container, field = section, parts[1]
        number = Number.model_validate(container[field])
        if number.certainty == "V":
            raise PolicyError(
                f"policy override {key!r}: this number is verified in the standard (certainty V) "
                "and cannot be overridden; only P and R numbers can"
            )
        if parts[1] == "threshold" and value > 1:
            raise PolicyError(f"policy override {key!r}: a threshold is a rate between 0 and 1")
        container[field] = {
            "value": float(value),
            "certainty": number.certainty,
            "overridden_from": number.value,
        }

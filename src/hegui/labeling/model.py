"""The implicit label record (GB 45438 Appendix E): build, serialise, parse and validate.

On disk the value is compact JSON with seven string fields in a fixed order::

    {"Label":"1","ContentProducer":"…","ProduceID":"…","ReservedCode1":"",
     "ContentPropagator":"…","PropagateID":"…","ReservedCode2":""}

Appendix E wraps it as ``{"AIGC":{…}}``; the practice guides store the inner object under a key
named ``AIGC``. :func:`parse_label` accepts both; writers use the inner object except where the
container has no key of its own (the plain-text sidecar).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hegui.labeling.codes import ServiceType, provider_code_problems, validate_provider_code
from hegui.labeling.errors import InvalidLabelError

FIELD_NAME = "AIGC"
"""The metadata key (XMP property, ID3 TXXX description, MP4 mdta key, RIFF chunk id, …)."""
KEYS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
"""The seven Appendix E elements, in the order they must appear."""

# REQ-LBL-IMP-04: printable ASCII without space and backslash. A double quote is allowed because
# the standard allows it escaped (\") in the JSON text; the check runs on decoded values.
VALUE_PATTERN = re.compile(r"^[\x21-\x5B\x5D-\x7E]*$")


class LabelValue(StrEnum):
    """``Label``: how sure the writer is that the content is AI-generated (LM Art. 6)."""

    AI_GENERATED = "1"
    """Generated or synthesised by AI (the provider's own label, or metadata says so)."""
    POSSIBLY = "2"
    """Possibly AI-generated: no metadata, but the user declared it."""
    SUSPECTED = "3"
    """Suspected AI-generated: no metadata or declaration, but labels or traces were detected."""


class Severity(StrEnum):
    """How serious a problem is: an ``error`` makes the label invalid."""

    ERROR = "error"
    WARNING = "warning"


class Issue(BaseModel):
    """One problem found in a label or in the way a file carries it."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable identifier, e.g. ``charset``, ``key-order``, ``provider-code``, ``copies``."""
    severity: Severity
    message: str
    field: str | None = None
    """The Appendix E element concerned, when there is one."""


class AigcLabel(BaseModel):
    """The seven Appendix E elements. All values are strings in the Appendix E charset.

    Build one with :meth:`first_write` (the provider's label) and derive the platform's with
    :meth:`with_propagation`. Python names are snake case; :meth:`to_json` uses the standard keys.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    label: LabelValue = Field(alias="Label")
    content_producer: str = Field("", alias="ContentProducer")
    produce_id: str = Field("", alias="ProduceID")
    reserved_code1: str = Field("", alias="ReservedCode1")
    content_propagator: str = Field("", alias="ContentPropagator")
    propagate_id: str = Field("", alias="PropagateID")
    reserved_code2: str = Field("", alias="ReservedCode2")

    @field_validator(
        "content_producer",
        "produce_id",
        "reserved_code1",
        "content_propagator",
        "propagate_id",
        "reserved_code2",
    )
    @classmethod
    def _charset(cls, value: str) -> str:
        if not VALUE_PATTERN.match(value):
            raise ValueError(_charset_message(value))
        return value

    @classmethod
    def first_write(
        cls,
        producer: str,
        produce_id: str | None = None,
        *,
        label: LabelValue | str = LabelValue.AI_GENERATED,
        reserved_code1: str = "",
    ) -> AigcLabel:
        """The provider's label: propagator = producer, PropagateID = ProduceID (App. E note 1).

        ``produce_id`` defaults to a new random id (:func:`new_content_id`).

        Raises:
            InvalidLabelError: a value breaks the charset or ``label`` is not 1, 2 or 3.
        """
        pid = produce_id if produce_id is not None else new_content_id()
        return make_label(
            Label=str(label),
            ContentProducer=producer,
            ProduceID=pid,
            ReservedCode1=reserved_code1,
            ContentPropagator=producer,
            PropagateID=pid,
        )

    def with_propagation(self, propagator: str, propagate_id: str) -> AigcLabel:
        """The same label with only ``ContentPropagator`` and ``PropagateID`` replaced.

        Raises:
            InvalidLabelError: a new value breaks the charset.
        """
        values = self.to_dict()
        values.update(ContentPropagator=propagator, PropagateID=propagate_id)
        return make_label(**values)

    def to_dict(self) -> dict[str, str]:
        """The elements under their standard names, in the standard order."""
        return {key: str(getattr(self, name)) for key, name in zip(KEYS, _NAMES, strict=True)}

    def to_json(self, *, wrapped: bool = False) -> str:
        """Compact JSON in key order; ``wrapped`` gives the Appendix E ``{"AIGC":{…}}`` form."""
        payload: dict[str, Any] = {FIELD_NAME: self.to_dict()} if wrapped else self.to_dict()
        return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))


_NAMES = (
    "label",
    "content_producer",
    "produce_id",
    "reserved_code1",
    "content_propagator",
    "propagate_id",
    "reserved_code2",
)


def make_label(**values: str) -> AigcLabel:
    """Build an :class:`AigcLabel` from standard key names, raising :class:`InvalidLabelError`."""
    try:
        return AigcLabel.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidLabelError(f"invalid AIGC label: {where}: {first['msg']}") from None


def new_content_id() -> str:
    """A fresh content id for ``ProduceID`` / ``PropagateID``: 32 lower-case hex digits."""
    return uuid.uuid4().hex


def _charset_message(value: str) -> str:
    bad = sorted({c for c in value if not VALUE_PATTERN.match(c)})
    shown = ", ".join(repr(c) for c in bad[:5])
    return (
        f"only printable ASCII without space and backslash is allowed (GB 45438 App. E); "
        f"found {shown}"
    )


@dataclass
class ParsedLabel:
    """What :func:`parse_label` made of one stored value."""

    raw: str
    fields: dict[str, Any] | None = None
    """The decoded object, in file order, when the value was a JSON (or YAML) object."""
    label: AigcLabel | None = None
    """Set when the structure is valid: seven string keys in order, charset, Label 1/2/3."""
    wrapper: Literal["inner", "appendix-e"] | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the structure is valid and no error-level issue was found."""
        return self.label is not None and not any(i.severity is Severity.ERROR for i in self.issues)


def _error(code: str, message: str, fld: str | None = None) -> Issue:
    return Issue(code=code, severity=Severity.ERROR, message=message, field=fld)


def _warning(code: str, message: str, fld: str | None = None) -> Issue:
    return Issue(code=code, severity=Severity.WARNING, message=message, field=fld)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as decoded key-value pairs, so that order and duplicates stay visible."""


def parse_label(raw: str | dict[str, Any]) -> ParsedLabel:
    """Parse one stored AIGC value (JSON text, or an already decoded object such as YAML gives).

    Both the inner object and the Appendix E ``{"AIGC":{…}}`` wrapper are accepted. Structural
    problems become error issues; provider codes are checked by :func:`validate_label`.
    """
    result = ParsedLabel(raw=raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False))
    pairs: list[tuple[str, Any]]
    if isinstance(raw, dict):
        pairs = _Pairs(raw.items())
    else:
        try:
            decoded = json.loads(raw.strip(), object_pairs_hook=_Pairs)
        except ValueError as exc:
            result.issues.append(_error("not-json", f"the value is not JSON: {exc}"))
            return result
        if not isinstance(decoded, _Pairs):
            result.issues.append(_error("not-object", "the value is not a JSON object"))
            return result
        pairs = decoded
    result.wrapper = "inner"
    if len(pairs) == 1 and pairs[0][0] == FIELD_NAME:
        result.wrapper = "appendix-e"
        inner = pairs[0][1]
        if isinstance(inner, str):  # double-encoded; seen in URL-style APIs
            return _rewrap(parse_label(inner), raw)
        if isinstance(inner, dict):
            inner = _Pairs(inner.items())
        if not isinstance(inner, _Pairs):
            result.issues.append(_error("not-object", '"AIGC" does not hold an object'))
            return result
        pairs = inner
    _check_structure(pairs, result)
    return result


def _rewrap(inner: ParsedLabel, raw: str | dict[str, Any]) -> ParsedLabel:
    inner.raw = raw if isinstance(raw, str) else inner.raw
    inner.wrapper = "appendix-e"
    inner.issues.append(
        _warning("double-encoded", '"AIGC" holds a JSON string instead of an object')
    )
    return inner


def _check_structure(pairs: list[tuple[str, Any]], result: ParsedLabel) -> None:
    issues = result.issues
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            issues.append(_error("duplicate-key", f"key {key!r} appears more than once", key))
        fields[key] = dict(value) if isinstance(value, _Pairs) else value
    result.fields = fields
    missing = [k for k in KEYS if k not in fields]
    unknown = [k for k in fields if k not in KEYS]
    if missing:
        issues.append(_error("missing-key", f"missing keys: {', '.join(missing)}"))
    if unknown:
        issues.append(_error("unknown-key", f"keys not in Appendix E: {', '.join(unknown)}"))
    present = [k for k, _ in pairs if k in KEYS]
    if present != [k for k in KEYS if k in present]:
        issues.append(
            _error("key-order", f"keys must be in the order {', '.join(KEYS)}; got {present}")
        )
    for key in KEYS:
        value = fields.get(key)
        if key in fields and not isinstance(value, str):
            issues.append(_error("not-string", f"{key} must be a string, got {value!r}", key))
        elif isinstance(value, str) and not VALUE_PATTERN.match(value):
            issues.append(_error("charset", _charset_message(value), key))
    label = fields.get("Label")
    if isinstance(label, str) and label not in {v.value for v in LabelValue}:
        issues.append(_error("label-value", f"Label must be 1, 2 or 3, got {label!r}", "Label"))
    if issues:
        return
    result.label = make_label(**fields)


@dataclass(frozen=True)
class CodePolicy:
    """How strictly :func:`validate_label` treats producer and propagator values."""

    require_provider_code: bool = True
    """Producer/propagator values must be 27-character provider codes; off: names are warnings."""


def validate_label(label: AigcLabel, policy: CodePolicy | None = None) -> list[Issue]:
    """Semantic checks beyond structure: required values and provider codes (with USCC checksum).

    Label 1 (the provider's own label) needs ``ContentProducer`` and ``ProduceID``; labels 2 and 3
    are written by platforms that may not know the producer.
    """
    policy = policy or CodePolicy()
    issues: list[Issue] = []
    if label.label is LabelValue.AI_GENERATED:
        for key, value in (
            ("ContentProducer", label.content_producer),
            ("ProduceID", label.produce_id),
        ):
            if not value:
                issues.append(_error("empty", f"{key} is empty; Label 1 needs it", key))
    if not label.content_propagator or not label.propagate_id:
        issues.append(
            _warning(
                "no-propagation",
                "ContentPropagator/PropagateID are empty; on first write they repeat "
                "ContentProducer/ProduceID (App. E note 1)",
            )
        )
    for key, value in (
        ("ContentProducer", label.content_producer),
        ("ContentPropagator", label.content_propagator),
    ):
        if value:
            issues.extend(_code_issues(key, value, policy))
    return issues


def _code_issues(key: str, value: str, policy: CodePolicy) -> list[Issue]:
    problems = provider_code_problems(value)
    if problems:
        message = f"{key} {value!r} is not a valid provider code: {problems[0]}"
        if policy.require_provider_code:
            return [_error("provider-code", message, key)]
        return [_warning("provider-code", message, key)]
    parsed = validate_provider_code(value)
    issues = [_warning("provider-code", w, key) for w in parsed.warnings]
    if key == "ContentProducer" and parsed.service_type is ServiceType.PROPAGATION:
        issues.append(
            _warning("service-type", "ContentProducer has service type 2 (propagation)", key)
        )
    return issues

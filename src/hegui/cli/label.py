"""``hegui label``: GB 45438 content labels (add, check, propagate, code).

Exit codes: 0 ok, 1 a check fails, 2 usage error or bad input (unreadable, unsupported, corrupt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, EXIT_USAGE, err, friendly_errors, out
from hegui.errors import ConfigError
from hegui.labeling import (
    AigcLabel,
    CodePolicy,
    FileCheck,
    LabelValue,
    TextPosition,
    add_labels,
    check_file,
    decide_label,
    make_provider_code,
    propagate,
    validate_provider_code,
    validate_uscc,
)
from hegui.labeling.c2pa import C2paAlgorithm, C2paSigner, check_c2pa_ready, write_c2pa
from hegui.labeling.codes import ServiceType
from hegui.labeling.containers.text import sidecar_path
from hegui.labeling.formats import Format
from hegui.labeling.pipeline import ExplicitOptions

app = typer.Typer(
    help="Content labels (GB 45438-2025): implicit AIGC metadata and explicit labels.",
    no_args_is_help=True,
)

AllowNames = Annotated[
    bool,
    typer.Option(
        "--allow-names",
        help="Accept producer/propagator values that are not 27-character provider codes "
        "(reported as warnings).",
    ),
]


@app.callback()
def _group() -> None:
    """Content labels (GB 45438-2025): implicit AIGC metadata and explicit labels."""


@app.command("add")
@friendly_errors
def add(
    file: Annotated[
        Path, typer.Argument(help="File to label (image, audio, video, document, text).")
    ],
    producer: Annotated[
        str, typer.Option("--producer", help="ContentProducer: your 27-character provider code.")
    ],
    produce_id: Annotated[
        str | None,
        typer.Option("--produce-id", help="ProduceID, unique per content (default: a new UUID)."),
    ] = None,
    explicit: Annotated[
        bool, typer.Option("--explicit", help="Also add the explicit label for the medium.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of in place.")
    ] = None,
    label: Annotated[
        LabelValue, typer.Option("--label", help="Label: 1 AI-generated, 2 possibly, 3 suspected.")
    ] = LabelValue.AI_GENERATED,
    reserved: Annotated[
        str, typer.Option("--reserved-code1", help="ReservedCode1, e.g. an integrity hash.")
    ] = "",
    position: Annotated[
        TextPosition, typer.Option("--position", help="Text label position with --explicit.")
    ] = TextPosition.PREFIX,
    allow_names: AllowNames = False,
    c2pa_cert: Annotated[
        Path | None,
        typer.Option("--c2pa-cert", help="PEM chain (leaf, then CA): also sign a C2PA manifest."),
    ] = None,
    c2pa_key: Annotated[
        Path | None, typer.Option("--c2pa-key", help="PEM private key for --c2pa-cert.")
    ] = None,
    c2pa_alg: Annotated[
        C2paAlgorithm, typer.Option("--c2pa-alg", help="C2PA signature algorithm.")
    ] = C2paAlgorithm.ES256,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write the implicit AIGC label (and with --explicit the visible/audible label).

    The input is untouched until the labelled file is complete and verified; media is not
    re-encoded unless --explicit draws on it. With --c2pa-cert and --c2pa-key (JPEG, PNG, WebP;
    extra hegui[c2pa]) a signed C2PA manifest is added last.
    """
    if (c2pa_cert is None) != (c2pa_key is None):
        raise ConfigError("--c2pa-cert and --c2pa-key must be given together")
    signer = C2paSigner(c2pa_cert, c2pa_key, c2pa_alg) if c2pa_cert and c2pa_key else None
    if signer is not None:
        check_c2pa_ready(file, signer)  # before anything is written
    aigc = AigcLabel.first_write(producer, produce_id, label=label, reserved_code1=reserved)
    result = add_labels(
        file,
        aigc,
        output,
        explicit=explicit,
        options=ExplicitOptions(text_position=position),
        policy=CodePolicy(require_provider_code=not allow_names),
    )
    if signer is not None:
        policy = CodePolicy(require_provider_code=not allow_names)
        write_c2pa(result.path, aigc, signer, policy=policy)
    if as_json:
        payload = {
            "path": str(result.path),
            "format": result.format.value,
            "label": aigc.to_dict(),
            "explicit": result.explicit or None,
            "c2pa": signer is not None,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    where = sidecar_path(result.path) if result.format is Format.TEXT else result.path
    out.print(f"[green]labelled[/] {result.path} ({result.format.value}); label in {where}")
    out.print(f"  AIGC {aigc.to_json()}")
    if result.explicit:
        details = ", ".join(f"{k}={v}" for k, v in result.explicit.items() if k != "font")
        out.print(f"  explicit: {details}")
    if signer is not None:
        out.print(f"  C2PA manifest signed with {signer.cert_chain}")


@app.command("check")
@friendly_errors
def check(
    files: Annotated[list[Path], typer.Argument(help="Files to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    require_explicit: Annotated[
        bool,
        typer.Option("--require-explicit", help="Also fail when no explicit label is detected."),
    ] = False,
    no_explicit: Annotated[
        bool, typer.Option("--no-explicit", help="Skip the explicit-label heuristics.")
    ] = False,
    user_declared: Annotated[
        bool,
        typer.Option("--user-declared", help="The uploader declared the content AI-generated."),
    ] = False,
    allow_names: AllowNames = False,
) -> None:
    """Verify implicit labels (and detect explicit ones); show the LM Art. 6 decision.

    Exit code 0 when every file has one valid label, 1 when a label is missing or invalid, 2 when
    a file cannot be checked (missing, unsupported, corrupt).
    """
    if require_explicit and no_explicit:
        raise ConfigError("--require-explicit and --no-explicit contradict each other")
    policy = CodePolicy(require_provider_code=not allow_names)
    results = [
        check_file(
            f,
            policy=policy,
            explicit=not no_explicit,
            require_explicit=require_explicit,
            user_declared=user_declared,
        )
        for f in files
    ]
    if as_json:
        typer.echo(
            json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2)
        )
    else:
        for result in results:
            _print_check(result)
    if any(r.error for r in results):
        raise typer.Exit(EXIT_USAGE)
    if not all(r.ok for r in results):
        raise typer.Exit(EXIT_FAIL)


def _print_check(result: FileCheck) -> None:
    if result.error:
        err.print(f"[bold red]ERROR[/] {result.error}")
        return
    status = "[green]OK[/]" if result.ok else "[bold red]FAIL[/]"
    out.print(f"{status} {result.path} ({result.format.value if result.format else '?'})")
    implicit = result.implicit
    if implicit is not None:
        if implicit.present:
            state = "valid" if implicit.valid else "INVALID"
            where = "; ".join(implicit.locations)
            out.print(f"  implicit: {state}, {implicit.copies} copy(ies) in {where}")
        else:
            out.print("  implicit: none")
        if implicit.fields:
            table = Table(show_header=False, box=None, padding=(0, 1))
            for key, value in implicit.fields.items():
                table.add_row(f"    {key}", str(value))
            out.print(table)
        for issue in implicit.issues:
            if issue.code != "missing":
                colour = "red" if issue.severity.value == "error" else "yellow"
                out.print(f"    [{colour}]{issue.severity.value}[/] {issue.code}: {issue.message}")
    explicit = result.explicit
    if explicit is not None:
        seen = {True: "detected", False: "not detected", None: "not checked"}[explicit.detected]
        extra = ", ".join(f"{k}={v}" for k, v in explicit.details.items())
        out.print(f"  explicit ({explicit.method}): {seen}{f' ({extra})' if extra else ''}")
        if explicit.note:
            out.print(f"    [dim]{explicit.note}[/]")
    if result.c2pa is not None and result.c2pa.present:
        c2pa = result.c2pa
        state = "valid" if c2pa.valid else "INVALID"
        ai = "AI-generated" if c2pa.ai_generated else "no AI source type"
        aigc = "AIGC assertion" if c2pa.aigc_label else "no AIGC assertion"
        out.print(f"  c2pa: {state} ({c2pa.validation_state}), {ai}, {aigc}")
        if c2pa.note:
            out.print(f"    [dim]{c2pa.note}[/]")
    if result.decision is not None:
        d = result.decision
        out.print(f"  platform (LM Art. 6): Label {d.label.value} ({d.reason}) → 「{d.notice}」")


@app.command("propagate")
@friendly_errors
def propagate_cmd(
    file: Annotated[Path, typer.Argument(help="File to update.")],
    propagator: Annotated[
        str, typer.Option("--propagator", help="ContentPropagator: the platform's provider code.")
    ],
    propagate_id: Annotated[
        str, typer.Option("--propagate-id", help="PropagateID: the platform's content id.")
    ],
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of in place.")
    ] = None,
    user_declared: Annotated[
        bool,
        typer.Option(
            "--user-declared", help="No label, but the uploader declared AI content (Label 2)."
        ),
    ] = False,
    traces: Annotated[
        bool,
        typer.Option(
            "--traces-detected", help="No label, but AI labels/traces were detected (Label 3)."
        ),
    ] = False,
    allow_names: AllowNames = False,
) -> None:
    """Platform mode: set only ContentPropagator and PropagateID (LM Art. 6).

    Without an existing label, --user-declared or --traces-detected says which Label to write.
    """
    decision = decide_label(None, user_declared=user_declared, traces_detected=traces)
    written = propagate(
        file,
        propagator,
        propagate_id,
        output,
        label_if_missing=decision.label if decision else None,
        policy=CodePolicy(require_provider_code=not allow_names),
    )
    out.print(f"[green]propagated[/] {output or file}: {written.to_json()}")


@app.command("code")
@friendly_errors
def code(
    value: Annotated[str, typer.Argument(help="A 27-character provider code or an 18-char USCC.")],
    service: Annotated[
        ServiceType, typer.Option("--service", help="For a USCC: 1 generation, 2 propagation.")
    ] = ServiceType.GENERATION,
    app_code: Annotated[str, typer.Option("--app", help="For a USCC: 4-char app code.")] = "0000",
) -> None:
    """Check a provider code, or build one from a unified social credit code.

    Exit code 0 when valid, 2 when not (the message says why).
    """
    if len(value) == 18:
        validate_uscc(value)
        out.print(make_provider_code(value, service=service, app_code=app_code))
        return
    parsed = validate_provider_code(value)
    out.print(f"[green]valid[/] provider code {parsed.code}")
    out.print(f"  subject {parsed.subject_type}{parsed.binding} {parsed.subject_id}")
    kind = parsed.service_type.name.lower()
    out.print(f"  service {parsed.service_type.value} ({kind}), app {parsed.app_code}")
    for warning in parsed.warnings:
        out.print(f"  [yellow]warning[/] {warning}")

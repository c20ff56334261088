"""Gather the evidence a filing is built from: the assessment run, the inputs' coverage today,
the corpus audit and the gateway configuration. Nothing here computes a figure anew; each piece
comes from the module that owns it (reports builder, bank and keyword coverage, corpus report).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from hegui.assess.inputs import Inputs, combined_library, load_inputs
from hegui.assess.session import open_store, run_pack
from hegui.banks import BankCoverage, check_banks
from hegui.config import ProjectConfig
from hegui.corpus.report_model import CorpusReport
from hegui.errors import ConfigError, HeguiError
from hegui.filing.errors import FilingError
from hegui.filing.profile import ProviderProfile, parse_profile
from hegui.gateway.config import GatewayConfig, parse_gateway_config
from hegui.policy import Pack
from hegui.reports.builder import build_project_report
from hegui.reports.model import RunReport
from hegui.text import CoverageReport, KeywordLibrary, check_coverage

DEFAULT_CORPUS_DIR = "corpus-audit"
"""Where ``hegui corpus audit`` writes by default (relative to hegui.yaml's folder)."""


@dataclass(frozen=True)
class CorpusEvidence:
    """A corpus audit report and the hash of the file it was read from."""

    path: Path
    sha256: str
    report: CorpusReport


@dataclass(frozen=True)
class GatewayEvidence:
    """The validated gateway section and the hash of its canonical JSON."""

    config: GatewayConfig
    sha256: str


@dataclass(frozen=True)
class Evidence:
    """Everything a filing package states, each piece with where it came from.

    A piece that could not be found is ``None`` and its problem is in ``problems`` (keyed like the
    pre-flight checks), so that ``--draft`` can still build with the gap marked.
    """

    config: ProjectConfig
    profile: ProviderProfile
    pack: Pack
    today: date
    report: RunReport | None
    inputs: Inputs | None
    bank_coverage: BankCoverage | None
    keywords: KeywordLibrary | None
    keyword_coverage: CoverageReport | None
    corpus: CorpusEvidence | None
    gateway: GatewayEvidence | None
    problems: dict[str, str]


def canonical_sha256(value: object) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys, UTF-8)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def gather(
    config: ProjectConfig,
    *,
    run_id: str | None = None,
    corpus_dir: Path | None = None,
    today: date | None = None,
) -> Evidence:
    """Collect the evidence for a filing from the project.

    ``run_id`` names the assessment run (default: the newest complete run in the store);
    ``corpus_dir`` is the corpus audit folder (default: ``corpus-audit`` beside hegui.yaml).
    A malformed profile or gateway section raises :class:`ConfigError`; missing evidence is
    recorded in ``problems``.
    """
    source = str(config.path) if config.path else None
    profile = parse_profile(config.profile, source=source, model_version=config.model_version)
    pack = config.load_pack()
    today = today or datetime.now(UTC).astimezone().date()
    problems: dict[str, str] = {}
    report = _run_report(config, run_id, problems)
    inputs: Inputs | None = None
    bank_coverage = None
    library = None
    keyword_coverage = None
    try:
        inputs = load_inputs(config, pack)
    except HeguiError as exc:
        problems["banks"] = f"cannot load the banks and keyword libraries: {exc}"
    if inputs is not None:
        if inputs.banks:
            bank_coverage = check_banks(inputs.banks, pack, today=today)
        else:
            problems["banks"] = "hegui.yaml lists no question banks under 'banks:'"
        if inputs.keyword_libraries:
            library = combined_library(inputs.keyword_libraries)
            keyword_coverage = check_coverage(library, pack, today=today)
        else:
            problems["keywords"] = "hegui.yaml lists no keyword library under 'keywords:'"
    return Evidence(
        config=config,
        profile=profile,
        pack=pack,
        today=today,
        report=report,
        inputs=inputs,
        bank_coverage=bank_coverage,
        keywords=library,
        keyword_coverage=keyword_coverage,
        corpus=_corpus(config, corpus_dir, problems),
        gateway=_gateway(config, source, problems),
        problems=problems,
    )


def _run_report(
    config: ProjectConfig, run_id: str | None, problems: dict[str, str]
) -> RunReport | None:
    store = open_store(config)
    try:
        if run_id is None:
            complete = [r for r in store.list_runs() if r.status == "complete"]
            if not complete:
                problems["run"] = (
                    f"the store {config.store_url()} holds no complete assessment run; "
                    "run: hegui assess"
                )
                return None
            chosen = max(complete, key=lambda r: r.spec.created_at).run_id
        else:
            chosen = store.resolve_run_id(run_id)
        spec = store.get_run(chosen).spec
        try:
            pack = run_pack(spec, config)
        except ConfigError as exc:
            problems["run"] = str(exc)
            return None
        return build_project_report(store, chosen, config, pack)
    finally:
        store.close()


def _corpus(
    config: ProjectConfig, corpus_dir: Path | None, problems: dict[str, str]
) -> CorpusEvidence | None:
    folder = corpus_dir if corpus_dir is not None else config.resolve(DEFAULT_CORPUS_DIR)
    path = folder / "report.json"
    if not path.is_file():
        problems["corpus"] = (
            f"no corpus audit report at {path}; run: hegui corpus audit --out {folder} "
            "(or pass --corpus DIR)"
        )
        return None
    try:
        report = CorpusReport.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise FilingError(
            f"{path}: not a corpus audit report hegui can read ({exc.errors()[0]['msg']}); "
            "re-render it with: hegui corpus report"
        ) from None
    return CorpusEvidence(path=path, sha256=file_sha256(path), report=report)


def _gateway(
    config: ProjectConfig, source: str | None, problems: dict[str, str]
) -> GatewayEvidence | None:
    if config.gateway is None:
        problems["gateway"] = (
            "hegui.yaml has no 'gateway:' section: the security measures (identity, "
            "enforcement, labels, complaints, logs) have no evidence (docs/gateway.md)"
        )
        return None
    gateway = parse_gateway_config(config.gateway, source=source)
    return GatewayEvidence(config=gateway, sha256=canonical_sha256(config.gateway))

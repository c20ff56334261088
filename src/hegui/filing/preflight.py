"""Pre-flight: every obligation a filing states, checked before a document is written.

A package is built only when every check is ``ok``; ``--draft`` builds anyway and marks each gap
in the documents and the manifest. Each failed check says what is missing and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hegui.filing.evidence import Evidence
from hegui.filing.profile import missing_fields
from hegui.records import Outcome

CheckStatus = Literal["ok", "gap"]

MAX_RUN_AGE_DAYS = 31
"""Default: the assessment must be as recent as the monthly bank update rule (REQ-BANK-05)."""
MAX_FOREIGN_OPEN_SOURCE = 0.30
"""Foreign open-source corpora must not exceed 30% of the corpus (备案表, regulation.md §5.2)."""
MIN_LOG_RETENTION_DAYS = 180


class Check(BaseModel):
    """One obligation: met (``ok``) or a ``gap`` with what to do."""

    model_config = ConfigDict(frozen=True)

    id: str
    title_zh: str
    status: CheckStatus
    detail: str
    """What was found (figures, file names)."""
    fix: str = ""
    """What to do to close the gap (empty when ``ok``)."""


class Preflight(BaseModel):
    """The checklist of a filing."""

    model_config = ConfigDict(frozen=True)

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when every obligation is met."""
        return all(c.status == "ok" for c in self.checks)

    @property
    def gaps(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "gap")

    def gap(self, check_id: str) -> Check | None:
        """The check ``check_id`` when it is a gap."""
        return next((c for c in self.gaps if c.id == check_id), None)


def _first(separator: str, items: list[str], limit: int = 3) -> str:
    """The first ``limit`` items joined, and how many more there are."""
    shown = separator.join(items[:limit])
    return shown + (f" … and {len(items) - limit} more" if len(items) > limit else "")


def _ok(check_id: str, title: str, detail: str) -> Check:
    return Check(id=check_id, title_zh=title, status="ok", detail=detail)


def _gap(check_id: str, title: str, detail: str, fix: str) -> Check:
    return Check(id=check_id, title_zh=title, status="gap", detail=detail, fix=fix)


def run_preflight(evidence: Evidence, *, max_run_age_days: int = MAX_RUN_AGE_DAYS) -> Preflight:
    """Check every obligation of a filing against the gathered evidence."""
    checks = [
        *_profile_checks(evidence),
        *_run_checks(evidence, max_run_age_days),
        *_input_checks(evidence),
        _corpus_check(evidence),
        *_gateway_checks(evidence),
    ]
    return Preflight(checks=tuple(checks))


def _profile_checks(evidence: Evidence) -> Iterator[Check]:
    profile = evidence.profile
    missing = missing_fields(profile)
    title = "备案主体与服务信息完整"
    if missing:
        yield _gap(
            "profile",
            title,
            f"missing profile fields: {', '.join(missing)}",
            "fill them under 'profile:' in hegui.yaml (docs/filing.md lists every field)",
        )
    else:
        yield _ok("profile", title, f"{profile.organisation} · {profile.uscc}")
    corpus = profile.corpus
    shares = (corpus.open_source, corpus.self_collected, corpus.commercial)
    title = "语料来源构成（境外开源语料不超过30%）"
    if any(s is None for s in shares) or corpus.foreign_open_source is None:
        return  # reported as missing fields above
    total = sum(s for s in shares if s is not None)
    if abs(total - 1.0) > 0.01:
        yield _gap(
            "corpus-sources",
            title,
            f"open_source + self_collected + commercial = {total:.2f}, not 1.00",
            "give each share of the corpus as a fraction so that the three add up to 1",
        )
    elif corpus.foreign_open_source > MAX_FOREIGN_OPEN_SOURCE:
        yield _gap(
            "corpus-sources",
            title,
            f"foreign open-source share {corpus.foreign_open_source:.0%} exceeds 30%",
            "reduce the share of foreign open-source corpora before filing",
        )
    else:
        yield _ok(
            "corpus-sources", title, f"境外开源 {corpus.foreign_open_source:.0%}, sums to 100%"
        )


def _run_checks(evidence: Evidence, max_age: int) -> Iterator[Check]:
    report = evidence.report
    title = "模型安全评估已完成且通过"
    if report is None:
        yield _gap(
            "run",
            title,
            evidence.problems.get("run", "no assessment run"),
            "run the assessment (hegui assess) or name the run with --run",
        )
        return
    spec = report.spec
    if report.status != "complete" or report.stats.error_budget_exceeded:
        yield _gap(
            "run",
            title,
            f"run {spec.run_id} is {report.status}"
            + (" and exceeded its error budget" if report.stats.error_budget_exceeded else ""),
            f"finish it: hegui assess --resume {spec.run_id}",
        )
    else:
        failing = [
            f"{r.requirement} {r.outcome.value}"
            for r in report.results
            if r.outcome in (Outcome.FAIL, Outcome.INSUFFICIENT_SAMPLE, Outcome.NOT_ASSESSED)
        ]
        if failing:
            yield _gap(
                "run",
                title,
                f"run {spec.run_id} ({report.overall}): {'; '.join(failing)}",
                "fix the model or inputs and re-assess; for a requirement that needs human "
                "review import the verdicts (hegui review import) or assign its judge",
            )
        else:
            yield _ok("run", title, f"run {spec.run_id}: every requirement PASS")
    age = (evidence.today - spec.created_at.date()).days
    title = "评估结果在有效期内"
    if age > max_age:
        yield _gap(
            "run-age",
            title,
            f"run {spec.run_id} is {age} days old (limit {max_age})",
            "re-run the assessment on the current model and banks",
        )
    else:
        yield _ok("run-age", title, f"run {spec.run_id} made {spec.created_at.date()} ({age} d)")
    title = "评估的模型版本与备案版本一致（REQ-OPS-08）"
    filed, assessed = evidence.profile.model_version, spec.model_version
    if filed and assessed != filed:
        yield _gap(
            "run-model",
            title,
            f"run {spec.run_id} assessed model version {assessed!r}, the profile files {filed!r}",
            "re-assess the model version you file (REQ-OPS-08), or correct model_version",
        )
    elif filed:
        yield _ok("run-model", title, f"model version {filed}")
    yield _run_inputs_check(evidence)


def _run_inputs_check(evidence: Evidence) -> Check:
    """The banks the run used are the banks filed now (same content hash)."""
    title = "评估所用题库即当前题库（哈希一致）"
    report, inputs = evidence.report, evidence.inputs
    assert report is not None
    if inputs is None:
        return _gap("run-inputs", title, evidence.problems.get("banks", ""), "fix the banks")
    used = {b.sha256 for b in report.spec.banks}
    changed = [b.info.path for b in inputs.banks if b.info.sha256 not in used]
    if changed:
        return _gap(
            "run-inputs",
            title,
            f"changed since run {report.spec.run_id}: {', '.join(changed)}",
            "re-run the assessment with the current banks so that 附件5 matches them",
        )
    return _ok("run-inputs", title, f"{len(used)} bank file(s) match run {report.spec.run_id}")


def _input_checks(evidence: Evidence) -> Iterator[Check]:
    title = "测试题库满足规模、覆盖与更新要求"
    coverage = evidence.bank_coverage
    if coverage is None:
        yield _gap("banks", title, evidence.problems.get("banks", "no banks"), "list banks")
    elif coverage.ok:
        yield _ok(
            "banks", title, "; ".join(f"{k.requirement} {k.distinct}" for k in coverage.kinds)
        )
    else:
        yield _gap(
            "banks",
            title,
            _first("; ", [s.message for s in coverage.shortfalls]),
            "add questions or update the banks (hegui bank check shows every shortfall)",
        )
    title = "关键词库满足规模、覆盖与每周更新要求"
    keywords = evidence.keyword_coverage
    if keywords is None:
        yield _gap(
            "keywords", title, evidence.problems.get("keywords", "no library"), "list a library"
        )
    elif keywords.ok:
        yield _ok("keywords", title, f"{keywords.total} keywords, updated {keywords.updated}")
    else:
        yield _gap(
            "keywords",
            title,
            _first("; ", list(keywords.problems)),
            "extend or update the library (hegui keywords check shows every shortfall)",
        )


def _corpus_check(evidence: Evidence) -> Check:
    title = "训练语料安全评估已完成且通过"
    corpus = evidence.corpus
    if corpus is None:
        return _gap("corpus", title, evidence.problems.get("corpus", ""), "run the corpus audit")
    report = corpus.report
    if report.status.value != "pass":
        open_checks = [
            f"{c.id} {c.status.value}" for c in report.checks if c.status.value != "pass"
        ]
        return _gap(
            "corpus",
            title,
            f"{corpus.path}: {report.status.value} ({'; '.join(open_checks)})",
            "complete the audit (import the manual review: hegui corpus review-import) "
            "and fix failing sources",
        )
    return _ok("corpus", title, f"{corpus.path}: {report.totals.docs} documents, pass")


def _gateway_checks(evidence: Evidence) -> Iterator[Check]:
    gateway = evidence.gateway
    title = "安全措施：网关（实名、处置、标识、日志）已配置"
    if gateway is None:
        yield _gap("gateway", title, evidence.problems.get("gateway", ""), "configure it")
    else:
        config = gateway.config
        gaps = []
        if not config.identity.require_verified:
            gaps.append("identity.require_verified is false (real-name verification off)")
        if not config.labels.implicit and config.labels.explicit == "none":
            gaps.append("labels: neither implicit nor explicit labels are on")
        if not config.input.scanners or not config.output.scanners:
            gaps.append("input or output scanners are empty")
        if config.log.retention_days < MIN_LOG_RETENTION_DAYS:
            gaps.append(f"log.retention_days {config.log.retention_days} < 180")
        if gaps:
            yield _gap("gateway", title, "; ".join(gaps), "fix the gateway section of hegui.yaml")
        else:
            yield _ok("gateway", title, f"gateway config sha256 {gateway.sha256[:12]}")
    published = evidence.profile.published
    title = "投诉举报渠道与反馈时限已公布"
    if not published.complaint_channels or not published.complaint_deadline_published:
        yield _gap(
            "complaints",
            title,
            "profile.published.complaint_channels is empty or "
            "complaint_deadline_published is false",
            "publish the channels and the feedback deadline, then record them in the profile",
        )
    else:
        days = gateway.config.complaints.feedback_days if gateway else None
        deadline = f", feedback within {days} days" if days else ""
        yield _ok("complaints", title, f"{', '.join(published.complaint_channels)}{deadline}")

"""The filing package (备案材料): every document the regulator asks for, from evidence hegui holds.

>>> from hegui.config import load_config
>>> evidence = gather(load_config("hegui.yaml"))                 # doctest: +SKIP
>>> run_preflight(evidence).ok                                   # doctest: +SKIP
>>> build_package(evidence, Path("filing"), draft=False)         # doctest: +SKIP

* :mod:`~hegui.filing.profile` — the ``profile:`` section, USCC check (GB 32100-2015);
* :func:`gather` — run report, bank and keyword coverage, corpus audit, gateway section;
* :func:`run_preflight` — the obligations checklist; :func:`build_package` refuses on a gap
  unless ``draft``;
* :func:`verify_package` / :func:`diff_packages` — hashes against the manifest and the evidence;
  what changed between two packages.

See docs/filing.md.
"""

from hegui.filing.build import FILES, BuildResult, PreflightFailed, build_package
from hegui.filing.clauses import Clause, build_clauses
from hegui.filing.diff import Change, diff_manifests, diff_packages
from hegui.filing.errors import FilingError
from hegui.filing.evidence import Evidence, gather
from hegui.filing.manifest import MANIFEST_NAME, Manifest, read_manifest
from hegui.filing.preflight import Check, Preflight, run_preflight
from hegui.filing.profile import ProviderProfile, parse_profile, validate_uscc
from hegui.filing.verify import VerifyResult, verify_package

__all__ = [
    "FILES",
    "MANIFEST_NAME",
    "BuildResult",
    "Change",
    "Check",
    "Clause",
    "Evidence",
    "FilingError",
    "Manifest",
    "Preflight",
    "PreflightFailed",
    "ProviderProfile",
    "VerifyResult",
    "build_clauses",
    "build_package",
    "diff_manifests",
    "diff_packages",
    "gather",
    "parse_profile",
    "read_manifest",
    "run_preflight",
    "validate_uscc",
    "verify_package",
]

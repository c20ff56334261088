"""hegui.targets: the service under test behind one async protocol.

:class:`OpenAITarget` (OpenAI-compatible HTTP), :class:`ReplayTarget` (recorded answers) and
:class:`CallableTarget` (a Python function), built from the ``target:`` section of hegui.yaml by
:func:`build_target`. The mock server lives in :mod:`hegui.targets.mock_server`.
"""

from hegui.targets.base import ContentFilteredError, Target
from hegui.targets.cli_option import parse_target_option
from hegui.targets.factory import build_target
from hegui.targets.function import CallableTarget, ChatFunction, import_function
from hegui.targets.openai import OpenAITarget, resolve_api_key
from hegui.targets.policy import (
    RateLimit,
    RetryPolicy,
    TokenBucket,
    call_with_retries,
    parse_retry_after,
)
from hegui.targets.replay import ReplayRecord, ReplayTarget
from hegui.targets.spec import (
    AnyTargetSpec,
    CallableSpec,
    OpenAISpec,
    ReplaySpec,
    TargetSpec,
    parse_target_spec,
)

__all__ = [
    "AnyTargetSpec",
    "CallableSpec",
    "CallableTarget",
    "ChatFunction",
    "ContentFilteredError",
    "OpenAISpec",
    "OpenAITarget",
    "RateLimit",
    "ReplayRecord",
    "ReplaySpec",
    "ReplayTarget",
    "RetryPolicy",
    "Target",
    "TargetSpec",
    "TokenBucket",
    "build_target",
    "call_with_retries",
    "import_function",
    "parse_retry_after",
    "parse_target_option",
    "parse_target_spec",
    "resolve_api_key",
]

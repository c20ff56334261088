"""Ray Data executor: the same shard runner inside a pool of Ray actors.

Each actor builds the scanners once and runs whole shards; the shard list is a Ray dataset with
one row per shard. Input files and the audit folder must be reachable under the same paths from
every node (a shared file system), and hegui must be installed on every node.

On small machines Ray deadlocked when actors asked for a whole CPU each (they took every CPU and
starved Ray Data's own tasks), so actors ask for ``num_cpus`` = 0.5 by default.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hegui.corpus.errors import AuditStateError
from hegui.corpus.executors.base import ProgressSink, largest_first
from hegui.corpus.plan import AuditPlan
from hegui.corpus.worker import runner_for
from hegui.errors import MissingExtraError


def _ray() -> Any:
    try:
        return importlib.import_module("ray")  # untyped: used as Any
    except ImportError:
        raise MissingExtraError("the Ray executor", "ray") from None


class ShardActor:
    """Ray Data callable class: one per actor, scanners built in the constructor."""

    def __init__(self, plan_json: str, out: str) -> None:
        self.plan = AuditPlan.model_validate_json(plan_json)
        self.out = Path(out)
        runner_for(self.plan, self.out)

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        index = int(row["shard"])
        result = runner_for(self.plan, self.out).run(index)
        return {"shard": index, "docs": result.docs, "bytes": result.bytes}


class RayExecutor:
    """Runs shards on a Ray cluster: a local one started here, or ``address``'s."""

    name = "ray"

    def __init__(self, workers: int = 2, address: str | None = None, num_cpus: float = 0.5):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.address = address
        self.num_cpus = num_cpus

    def run(
        self,
        plan: AuditPlan,
        out: Path,
        shards: Sequence[int],
        progress: ProgressSink | None = None,
    ) -> None:
        order = largest_first(plan, shards)
        if not order:
            return
        ray = _ray()
        data = importlib.import_module("ray.data")
        started = False
        quiet = logging.getLogger("ray.data")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # Ray Data logs every execution plan at INFO
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False, configure_logging=False)
            else:
                ray.init(  # "local": a new cluster, even when `ray start` left one running
                    address="local",
                    num_cpus=self.workers,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            started = True
        try:
            with warnings.catch_warnings():  # Ray's own deprecations, not the user's concern
                warnings.simplefilter("ignore", DeprecationWarning)
                context = data.DataContext.get_current()
            context.enable_progress_bars = False
            dataset = data.from_items([{"shard": i} for i in order], override_num_blocks=len(order))
            mapped = dataset.map(
                ShardActor,
                fn_constructor_kwargs={"plan_json": plan.model_dump_json(), "out": str(out)},
                compute=data.ActorPoolStrategy(size=min(self.workers, len(order))),
                num_cpus=self.num_cpus,
            )
            for row in mapped.iter_rows():
                if progress:
                    progress.advance(int(row["docs"]), int(row["bytes"]))
                    progress.shard_done(int(row["shard"]))
        except Exception as exc:
            if type(exc).__module__.startswith("ray"):
                raise AuditStateError(
                    f"the Ray job failed: {exc}; completed shards are kept, run again to resume"
                ) from exc
            raise
        finally:
            quiet.setLevel(level)
            if started:
                ray.shutdown()

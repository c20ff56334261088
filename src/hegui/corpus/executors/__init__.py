"""Executors: where the shards of an audit run (this machine's processes, or Ray)."""

from hegui.corpus.executors.base import Executor, ProgressSink, largest_first
from hegui.corpus.executors.local import LocalExecutor
from hegui.corpus.executors.ray_data import RayExecutor

__all__ = ["Executor", "LocalExecutor", "ProgressSink", "RayExecutor", "largest_first"]

"""The trained model files shipped inside the package (``hegui/judges/data/*.json``).

They are produced by ``scripts/train_judges.py`` and read here once per process. A missing or
damaged file is a :class:`~hegui.errors.JudgeError` that says how to rebuild it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from hegui.errors import JudgeError
from hegui.judges.linear import LinearModel

MODEL_NAMES = ("refusal", "harm", "risk")
"""The shipped models: refusal (3 classes), harm (binary), risk (router to Appendix A codes)."""


def model_path(name: str) -> Path:
    """Where the shipped model ``name`` lives."""
    if name not in MODEL_NAMES:
        raise JudgeError(f"no shipped model {name!r}: choose one of {', '.join(MODEL_NAMES)}")
    return Path(str(resources.files("hegui.judges") / "data" / f"{name}.json"))


@lru_cache(maxsize=8)
def load_model(path: str | Path) -> LinearModel:
    """Load (once) a model file given by path."""
    file = Path(path)
    if not file.is_file():
        raise JudgeError(
            f"model file {file} is missing: reinstall hegui, or rebuild it with "
            "`python scripts/train_judges.py` (needs scikit-learn and ../shared/data)"
        )
    return LinearModel.load(file)


def shipped_model(name: str) -> LinearModel:
    """The shipped model ``name`` (see :data:`MODEL_NAMES`)."""
    return load_model(model_path(name))

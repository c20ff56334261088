"""Fixtures of the filing tests: a complete project with a real, passing assessment run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from filing_project import assess, make_project

from hegui.config import ProjectConfig, load_config


@pytest.fixture(scope="session")
def passing_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder whose assessment run passes and every obligation is met (made once)."""
    folder = tmp_path_factory.mktemp("filing") / "project"
    assess(make_project(folder))
    return folder


@pytest.fixture
def project(passing_template: Path, tmp_path: Path) -> ProjectConfig:
    """A private copy of the passing project (store included), free to change."""
    folder = tmp_path / "project"
    shutil.copytree(passing_template, folder)
    return load_config(folder / "hegui.yaml")

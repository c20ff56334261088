"""Fixtures for the report tests; the factory itself is in report_factory.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_factory import make_report

from hegui.reports.model import RunReport


@pytest.fixture
def report() -> RunReport:
    return make_report()


@pytest.fixture
def report_factory() -> Callable[..., RunReport]:
    return make_report

"""Shared fixtures: a throwaway journal that tests fill with the entries they need."""

from __future__ import annotations

from pathlib import Path

import pytest
from glimmer_testing import TmpJournal

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def journal(tmp_path: Path) -> TmpJournal:
    return TmpJournal(tmp_path)

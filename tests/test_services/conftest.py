import pytest


@pytest.fixture(autouse=True)
def _on_the_pinned_day(today):
    """Every test here runs on tests.conftest.TODAY (see PINNED_NOW there)."""

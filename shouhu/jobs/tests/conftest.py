import pytest

from shouhu.jobs import registry


@pytest.fixture
def duties(monkeypatch):
    """The registry with the real duties; a test may add its own to it."""
    table = dict(registry._DUTIES)
    monkeypatch.setattr(registry, "_DUTIES", table)
    return table

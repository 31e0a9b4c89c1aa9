"""Fixtures for the public API tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

# The directory's own test catalogue: the API must filter it exactly as the directory does.
from tests.programs.test_filters import catalogue  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttles count requests in the cache: every test starts (and leaves) with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()

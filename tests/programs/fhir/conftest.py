"""Fixtures for the FHIR tests: R4B model parsing, a client with fresh throttles."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttles count requests in the cache: every test starts (and leaves) with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def parse_fhir():
    """Parse a resource with the fhir.resources R4B models (raises on anything invalid)."""
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B import get_fhir_model_class

    def parse(resource: dict):
        return get_fhir_model_class(resource["resourceType"]).model_validate(resource)

    return parse

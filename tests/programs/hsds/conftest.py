"""Fixtures for the HSDS tests: the compiled schema, a client with fresh throttles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

HSDS_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "hsds"


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
def validate_service():
    """Validate one service against the standard's compiled schema (with formats checked)."""
    jsonschema = pytest.importorskip("jsonschema")
    path = HSDS_DATA / "service.json"
    if not path.exists():
        pytest.skip(f"The compiled HSDS schema is absent ({path}).")
    schema = json.loads(path.read_text())
    validator_class = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)

    def validate(service: dict) -> None:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(service)]
        assert not errors, errors

    return validate

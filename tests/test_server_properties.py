"""Property tests of the HTTP API from its own OpenAPI document (schemathesis): generated
requests, valid and not, never get a 5xx, and every answer matches the documented schema.

A request can fit the schema and still be refused: "sing a song" is a string, but no move the
contract knows. So the check that schema-valid data is always accepted is left out; every other
check stays (status codes, content types, response schemas, no server error, bad data refused).

The searches (plan, diff, prove: tag "what-if") are slow by nature, so they get fewer examples
and an app whose time budget per search is short: a 422 past it is one of their documented
answers, so the property still holds and the test stays fast."""

from __future__ import annotations

import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, settings

from engine.serve.app import Settings, create_app

app = create_app(Settings(contracts=ROOT / "contracts", search_seconds=0.5))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
SEARCHES = {"method": "POST", "tag": "what-if"}


@schema.exclude(**SEARCHES).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_keeps_its_openapi_promises(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])


@schema.include(**SEARCHES).parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_searches_keep_their_openapi_promises(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])

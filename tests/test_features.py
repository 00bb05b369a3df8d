"""Runs every Gherkin feature under features/ with the engine's step library."""

from pytest_bdd import scenarios

scenarios("../features")

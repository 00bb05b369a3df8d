@conversion-deadline
Feature: The conversion deadline and SoftBank's funding
  The conversion must be complete before the end of 2025, or OpenAI loses 20 billion dollars of
  SoftBank funding. It is SoftBank's term, so it outlives the Microsoft partnership.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: The deadline passes without a conversion
    When time passes to 2026-01-01
    Then the move is blocked by "conversion-deadline"
    And the clause "conversion-deadline" is violated

  Scenario: The last day of 2025 is still in time
    When time passes to 2025-12-31
    Then the move is clear
    And the deadline "conversion-by-end-2025" is pending

  Scenario: Converting in time meets the deadline
    Given "Microsoft consents to the conversion" has happened
    When OpenAI proposes to "convert to a PBC" on 2025-11-15
    Then the move is clear
    And the deadline "conversion-by-end-2025" is not pending
    And "conversion-by-end-2025" is not triggered because met

  Scenario: Converting too late breaks both the deadline and, without consent, the consent clause
    When OpenAI proposes to "convert to a PBC" on 2026-03-01
    Then the move is blocked by "conversion-deadline"
    And the move is blocked by "restructuring-consent"

  Scenario: Raising from SoftBank before converting is a warning
    When OpenAI proposes to "raise $40B from SoftBank"
    Then there is a warning from "softbank-funding-tied-to-conversion"
    And the move is clear

  Scenario: Raising from SoftBank after converting carries no warning
    Given "Microsoft consents to the conversion" has happened
    And "convert to a PBC" has happened
    When OpenAI proposes to "raise funding from SoftBank"
    Then "softbank-funding-tied-to-conversion" is not triggered because conversion happened

  Scenario: Raising from another investor is not tied to the deadline
    When OpenAI proposes to "raise funding from Oracle"
    Then "softbank-funding-tied-to-conversion" is not triggered because investor is softbank

@agi-clause
Feature: A declaration of AGI ends the partnership
  A declaration of artificial general intelligence ends the current partnership. Microsoft wants
  to keep access to the technology after AGI; nothing in this model gives it that.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Declaring AGI ends the partnership and the clauses that depend on it
    When OpenAI proposes to "declare AGI"
    Then there is a warning from "agi-clause"
    And the partnership has ended
    And the clause "azure-exclusivity" is ended
    And the clause "ip-access" is ended
    But the clause "conversion-deadline" is in force

  Scenario: A second declaration changes nothing
    Given "declare AGI" has happened
    When OpenAI proposes to "announce AGI"
    Then "agi-ends-partnership" is not triggered because the partnership has ended

  Scenario Outline: Order matters: AGI before or after a cloud deal
    When OpenAI proposes the timeline:
      | date       | move                      |
      | <agi>      | declare AGI               |
      | <deal>     | partner with Google Cloud |
    Then the verdict is "<verdict>"

    Examples:
      | agi        | deal       | verdict  |
      | 2025-08-01 | 2025-09-01 | clear    |
      | 2025-09-01 | 2025-08-01 | conflict |

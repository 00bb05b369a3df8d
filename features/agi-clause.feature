@agi-clause
Feature: A declaration of AGI ends the partnership
  A declaration of artificial general intelligence ends the current partnership. Microsoft wants
  to keep access to the technology after AGI; nothing in this model gives it that.
  Who declares AGI is disputed: under reading "board" (the default) OpenAI's board does, and the
  declaration ends the partnership; under reading "panel" an expert panel must confirm it, and
  only the confirmation does.

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

  Scenario Outline: Order matters: AGI before or after a cloud deal (the board's reading)
    Given the reading "board" of "agi-clause"
    When OpenAI proposes the timeline:
      | date       | move                      |
      | <agi>      | declare AGI               |
      | <deal>     | partner with Google Cloud |
    Then the verdict is "<verdict>"

    Examples:
      | agi        | deal       | verdict  |
      | 2025-08-01 | 2025-09-01 | clear    |
      | 2025-09-01 | 2025-08-01 | conflict |

  Scenario: Under the panel reading a declaration alone ends nothing
    When OpenAI proposes to "declare AGI"
    Then under reading "board" of "agi-clause" the partnership has ended
    And under reading "panel" of "agi-clause" the partnership is in force

  Scenario: A cloud deal after declaring AGI is clear under one reading, blocked under the other
    When OpenAI proposes the timeline:
      | date       | move                      |
      | 2025-08-01 | declare AGI               |
      | 2025-09-01 | partner with Google Cloud |
    Then the verdict is "conflict"
    And under reading "board" of "agi-clause" the move is clear
    And under reading "panel" of "agi-clause" the move is blocked by "azure-exclusivity"
    And under reading "panel" of "agi-clause" the verdict is "conflict"

  Scenario: Under the panel reading the panel's confirmation ends the partnership
    Given the reading "panel" of "agi-clause"
    And "declare AGI" has happened
    When OpenAI proposes to "have AGI confirmed by an expert panel"
    Then there is a warning from "agi-ends-partnership"
    And the partnership has ended

  Scenario: Under the panel reading a confirmation of nothing declared ends nothing
    Given the reading "panel" of "agi-clause"
    When OpenAI proposes to "have AGI confirmed by an expert panel"
    Then "agi-ends-partnership" is not triggered
    And the partnership is in force

  Scenario: Under the panel reading a declaration after the end changes nothing
    Given the reading "panel" of "agi-clause"
    And "declare AGI" has happened
    And "have AGI confirmed by an expert panel" has happened
    When OpenAI proposes to "announce AGI"
    Then "agi-declaration-awaits-panel" is not triggered

  Scenario: A warning found under one reading only is a warning of the check
    When OpenAI proposes the timeline:
      | date       | move             |
      | 2025-08-01 | declare AGI      |
      | 2025-09-01 | acquire Windsurf |
    Then there is a warning from "ip-access-covers-acquisitions"
    And under reading "panel" of "agi-clause" there is a warning from "ip-access-covers-acquisitions"

@model-access-term
Feature: The term of Microsoft's access to OpenAI's models
  Microsoft's access to OpenAI's models runs until 2030. Microsoft offered to give up part of its
  equity in exchange for access beyond 2030.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Access runs through the end of 2030
    When time passes to 2030-12-31
    Then the clause "model-access-term" is in force

  Scenario: Access ends once 2030 is over
    When time passes to 2031-01-01
    Then the clause "model-access-term" is ended
    And the report matches:
      | type        | rule                   | clause            |
      | conflict    | conversion-by-end-2025 | conversion-deadline |
      | consequence | model-access-expiry    | model-access-term |

  Scenario: Extending access beyond 2030 in exchange for equity
    When OpenAI proposes to "extend Microsoft's model access beyond 2030 in exchange for equity"
    Then Microsoft gains access to OpenAI's models beyond 2030
    And the clause "model-access-term" is in force

  Scenario: An extended term does not run out in 2031
    Given "extend Microsoft's model access beyond 2030 in exchange for equity" has happened
    When time passes to 2031-06-01
    Then the clause "model-access-term" is in force

  Scenario: After AGI there is no access left to extend, nor to run out
    Given "declare AGI" has happened
    When OpenAI proposes to "extend Microsoft's model access beyond 2030" on 2031-02-01
    Then "model-access-extension" is not triggered because the partnership has ended
    And "model-access-expiry" is not triggered because the partnership has ended

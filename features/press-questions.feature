@press
Feature: The questions the press raised in June 2025
  The reporting of mid-2025 asked what the contract says about OpenAI's moves. These scenarios
  answer them, as far as this hypothetical model of the contract goes.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"
    And the date is 2025-07-01

  Scenario: Can OpenAI work with Google Cloud?
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is blocked by "azure-exclusivity"

  Scenario: Does Microsoft get Windsurf's IP?
    When OpenAI proposes to "acquire Windsurf for $3B"
    Then Microsoft gains access to the IP of Windsurf

  Scenario: Can OpenAI keep Windsurf's IP from Microsoft?
    When OpenAI proposes the timeline:
      | move                                |
      | acquire Windsurf for $3B            |
      | withhold Windsurf IP from Microsoft |
    Then the move is blocked by "ip-access"

  Scenario: Does Microsoft keep model access after 2030?
    When time passes to 2031-01-01
    Then the clause "model-access-term" is ended

  Scenario: Access after 2030 in exchange for equity
    When OpenAI proposes to "extend Microsoft's model access beyond 2030 in exchange for equity"
    Then Microsoft gains access to OpenAI's models beyond 2030

  Scenario: What does an antitrust complaint set off?
    When OpenAI proposes to "accuse Microsoft of anticompetitive practices"
    Then there is a warning from "regulatory-review"

  Scenario: Building Stargate is outside what the contract, as modelled, covers
    When OpenAI proposes to "build Stargate"
    Then the move is clear
    And there is a notice that no rule covers the move

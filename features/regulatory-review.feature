@regulatory-review
Feature: An antitrust complaint and a regulatory review
  OpenAI's leaders considered accusing Microsoft of anticompetitive practices, which could bring a
  federal regulatory review of the contract.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Accusing Microsoft may bring a federal review
    When OpenAI proposes to "file an antitrust complaint against Microsoft"
    Then there is a warning from "regulatory-review"
    And the move is clear

  Scenario: A complaint against someone else is not about this contract
    When Microsoft proposes to "file an antitrust complaint against OpenAI"
    Then "antitrust-complaint-review" is not triggered because against is microsoft

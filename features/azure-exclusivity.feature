@azure-exclusivity
Feature: Azure exclusivity
  Microsoft holds exclusive rights to sell OpenAI's models through its Azure cloud. A deal with
  any other cloud provider breaks that exclusivity, unless Microsoft consents to it, or the
  partnership has ended (a declaration of AGI ends it).

  Background:
    Given the contract "contracts/openai-microsoft.yaml"
    And the date is 2025-07-01

  Scenario Outline: A deal with another cloud provider is blocked
    When OpenAI proposes to "partner with <provider>"
    Then the move is blocked by "azure-exclusivity"
    And the clause "azure-exclusivity" is violated

    Examples:
      | provider     |
      | Google Cloud |
      | GCP          |
      | AWS          |
      | Oracle       |
      | CoreWeave    |

  Scenario: Selling through Azure itself is what the clause asks for
    When OpenAI proposes to "partner with Azure"
    Then the move is clear
    And "azure-exclusivity" is not triggered because provider is azure

  Scenario: Microsoft's consent lifts the exclusivity for that deal
    Given "Microsoft consents to cloud partnership" has happened
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is clear
    And "azure-exclusivity" is not triggered because defeated by exception: consent from microsoft

  Scenario: After AGI is declared (the board's reading), the exclusivity no longer applies
    Given the reading "board" of "agi-clause"
    And "declare AGI" has happened
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is clear
    And "azure-exclusivity" is not triggered because the partnership has ended

  Scenario: A waived exclusivity is reported as waived, not forgotten
    Given the norm "azure-exclusivity" is waived because the board approved a pilot
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is clear
    And the report matches:
      | type     | rule              | waived |
      | conflict | azure-exclusivity | yes    |

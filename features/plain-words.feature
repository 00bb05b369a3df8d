@plain-words
Feature: Moves in plain words
  The Gherkin steps read moves as the CLI does: with a subject, in any tense, in the passive,
  with synonyms, dates, amounts, several moves in one sentence and lists of objects.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"
    And the date is 2025-07-01

  Scenario Outline: A deal with another cloud provider, however it is written, is blocked
    When OpenAI proposes to "<move>"
    Then the move is blocked by "azure-exclusivity"

    Examples:
      | move                                               |
      | OpenAI partners with Google Cloud                  |
      | OpenAI partnered with Oracle                       |
      | OpenAI will partner with AWS                       |
      | OpenAI is partnering with CoreWeave                |
      | OpenAI has partnered with GCP                      |
      | work with AWS                                      |
      | OpenAI teams up with Oracle                        |
      | sign a cloud deal with Oracle on 2025-10-15        |
      | sell its models through Oracle and CoreWeave       |
      | OpenAI partnered with Oracle on the 15th of October 2025 |
      | 2025/10/15: OpenAI partners with AWS               |
      | OpenAI partners with AWS on October 15, 2025       |

  Scenario: Selling through Azure, in the past tense, is clear
    When OpenAI proposes to "OpenAI sold its models through Azure"
    Then the move is clear

  Scenario: AGI declared in the passive ends the partnership, and the deal after it is clear
    Given the reading "board" of "agi-clause"
    And "AGI is declared" has happened
    When OpenAI proposes to "OpenAI partners with Google Cloud"
    Then the move is clear
    And the partnership has ended

  Scenario: Consent, then the conversion, in one sentence
    When OpenAI proposes to "Microsoft consents to the conversion, then convert to a PBC"
    Then the move is clear

  Scenario: The conversion without consent, written in the passive with a date, is blocked
    When OpenAI proposes to "the conversion is completed on 15 Oct 2025"
    Then the move is blocked by "restructuring-consent"

  Scenario: An acquisition priced in words grants Microsoft access to its IP
    When OpenAI proposes to "buy Cursor for three billion dollars"
    Then there is a warning from "ip-access-covers-acquisitions"

  Scenario: A relative date reads from the scenario's date
    Given the date is 2025-09-01
    When OpenAI proposes to "OpenAI goes public tomorrow"
    Then the move is blocked by "ipo-precondition"

  Scenario: A quarter reads as its first day, and the reading says so
    When OpenAI proposes to "OpenAI partners with Google Cloud in Q3 2026"
    Then the move is blocked by "azure-exclusivity"
    And the report says "the first day of Q3 2026"

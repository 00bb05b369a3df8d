@restructuring-consent
Feature: Microsoft's consent to the for-profit conversion
  OpenAI's restructuring, its for-profit arm becoming a public benefit corporation still overseen
  by the non-profit board (announced 5 May 2025), needs Microsoft's agreement.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Converting without Microsoft's consent is blocked
    When OpenAI proposes to "convert to a public benefit corporation"
    Then the move is blocked by "restructuring-consent"

  Scenario: Converting after Microsoft consents is clear
    Given "Microsoft consents to the conversion" has happened
    When OpenAI proposes to "convert to a PBC"
    Then the move is clear
    And "conversion-needs-consent" is not triggered because consent from microsoft

  Scenario Outline: Consent must come before the conversion, not after
    When OpenAI proposes the timeline:
      | date       | move                                 | actor     |
      | <consent>  | Microsoft consents to the conversion | Microsoft |
      | <convert>  | convert to a PBC                     | OpenAI    |
    Then the verdict is "<verdict>"

    Examples:
      | consent    | convert    | verdict  |
      | 2025-08-01 | 2025-09-01 | clear    |
      | 2025-09-01 | 2025-08-01 | conflict |

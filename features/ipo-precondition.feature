@ipo-precondition
Feature: The conversion comes before an IPO
  Without the conversion, raising money and an IPO become much harder; the model treats the
  conversion as a precondition of going public.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Going public before the conversion is blocked
    When OpenAI proposes to "go public"
    Then the move is blocked by "ipo-precondition"

  Scenario: Going public after the conversion is clear
    Given "Microsoft consents to the conversion" has happened
    And "convert to a PBC" has happened
    When OpenAI proposes to "hold an IPO"
    Then the move is clear
    And "ipo-needs-conversion" is not triggered because conversion happened

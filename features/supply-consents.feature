@supply
Feature: Consents keyed by a field, used up by the move they permit
  Northwind's consent to assign the supply agreement to one company does not cover another, and
  covers one assignment only (tests/contracts/supply, rules/consents.yaml).

  Background:
    Given the contract "tests/contracts/supply/contract.yaml"

  Scenario: Assigning without any consent is blocked
    When Contoso proposes to "assign the agreement to Fabrikam"
    Then the move is blocked by "no-assignment-without-consent"

  Scenario: Consent to Fabrikam permits an assignment to Fabrikam
    Given "consent to an assignment to Fabrikam" has happened
    When Contoso proposes to "assign the agreement to Fabrikam"
    Then the move is clear
    And "no-assignment-without-consent" is not triggered because defeated by exception: consent from northwind

  Scenario: Consent to Fabrikam does not cover Litware
    Given "consent to an assignment to Fabrikam" has happened
    When Contoso proposes to "assign the agreement to Litware"
    Then the move is blocked by "no-assignment-without-consent"

  Scenario: A consent covers one assignment only
    When Contoso proposes the timeline:
      | date       | move                                 | actor     |
      | 2025-02-01 | consent to an assignment to Fabrikam | Northwind |
      | 2025-03-01 | assign the agreement to Fabrikam     | Contoso   |
      | 2025-04-01 | assign the agreement to Fabrikam     | Contoso   |
    Then the verdict is "conflict"

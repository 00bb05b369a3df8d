@example
Feature: A second contract, in YAML and Gherkin alone
  A software licence (tests/contracts/licence) shows that the step library is not tied to the
  OpenAI-Microsoft contract: its moves, norms and phrases are its own.

  Background:
    Given the contract "tests/contracts/licence/contract.yaml"
    And the date is 2024-03-01

  Scenario: Sublicensing to a competitor is blocked and gives Acme an audit right
    When Globex proposes to "sublicense to Initech"
    Then the move is blocked by "no-sublicence"
    And Acme gains the right to audit Globex's use by Initech

  Scenario: Sublicensing to a partner is clear
    When Globex proposes to "sublicense to Umbrella"
    Then the move is clear
    And "no-sublicence-to-competitors" is not triggered because licensee is one of

  Scenario: The fee is due within 30 days of renewal
    Given "renew the licence" happened on 2024-02-01
    When time passes to 2024-03-15
    Then the move is blocked by "payment"

  Scenario: Each renewal starts its own fee deadline: the 2025 fee was never paid
    Given "renew the licence" happened on 2024-02-01
    And "pay the annual fee" happened on 2024-02-10
    And "renew the licence" happened on 2025-02-01
    When time passes to 2025-04-01
    Then the move is blocked by "fee-after-renewal"

  Scenario: Each fee paid in time: no finding
    Given "renew the licence" happened on 2024-02-01
    And "pay the annual fee" happened on 2024-02-10
    And "renew the licence" happened on 2025-02-01
    And "pay the annual fee" happened on 2025-02-20
    When time passes to 2025-04-01
    Then the move is clear
    And the deadline "fee-after-renewal" is not pending

  Scenario: The seat cap holds only within its window
    When Globex proposes to "deploy 900 seats" on 2026-02-01
    Then the move is clear
    And "seat-cap" is not triggered because not applicable on 2026-02-01

Feature: What-if questions: plans and renegotiation proposals
  The engine searches for the moves that reach a goal without a conflict, and checks moves against
  the renegotiation proposals the press reported (hypothetical amendments under
  contracts/amendments/).

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Going public needs Microsoft's consent and the conversion first
    Then a plan for "go public" is "Microsoft consents to the conversion; convert to a PBC; go public"
    And there is no plan for "go public" within 2 steps

  Scenario: After the conversion, going public is one step away
    Given "Microsoft consents to the conversion" has happened
    And "convert to a PBC" has happened
    Then a plan for "go public" is "go public"

  Scenario: A plan to a state
    Then a plan for "the partnership ended" is "declare AGI"

  Scenario: Under the relaxed exclusivity, a deal with Google Cloud is clear
    Given the date is 2025-10-01
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is blocked by "azure-exclusivity"
    And under the amendment "azure-relaxed" the move "partner with Google Cloud" is clear

  Scenario: Before the proposal takes effect, the old exclusivity applies
    Given the date is 2025-09-01
    Then under the amendment "azure-relaxed" the move "partner with Google Cloud" is blocked by "azure-exclusivity"

  Scenario: If Microsoft keeps access after AGI, OpenAI's IP stays covered
    Given the reading "board" of "agi-clause"
    And the date is 2025-10-01
    And "declare AGI" has happened
    When OpenAI proposes to "withhold ChatGPT IP from Microsoft"
    Then the move is clear
    And under the amendment "access-after-agi" the move "withhold ChatGPT IP from Microsoft" is blocked by "ip-withholding"

  Scenario: Windsurf's IP left out of Microsoft's access
    Given the amendment "ip-without-windsurf"
    And the date is 2025-10-01
    And "acquire Windsurf" has happened
    When OpenAI proposes to "withhold Windsurf IP from Microsoft"
    Then the move is clear

  Scenario: Bounded proofs over every short timeline
    Then "always: the partnership ended -> no conflict from azure-exclusivity" holds within 2 moves
    And "never: a move is both required and forbidden" does not hold within 1 move
    And "reachable: go public clear" holds within 2 moves
    And "reachable: go public clear" does not hold within 1 move

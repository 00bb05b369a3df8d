Feature: The renegotiation proposals, as hypothetical amendments
  Each proposal the press reported is an amendment under contracts/amendments/, effective on
  2025-10-01 in this model: moves before that day see the contract as it was, moves from that day
  the proposal. Each norm an amendment adds or replaces is shown firing and not firing.

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario: Relaxed exclusivity: a deal with another cloud is noted, not blocked
    Given the amendment "azure-relaxed"
    And the date is 2025-10-01
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is clear
    And the report matches:
      | type        | rule              | severity |
      | consequence | azure-exclusivity | info     |

  Scenario: Relaxed exclusivity: selling through Azure is not what the clause is about
    Given the amendment "azure-relaxed"
    And the date is 2025-10-01
    When OpenAI proposes to "partner with Azure"
    Then the move is clear
    And "azure-exclusivity" is not triggered because provider is not azure

  Scenario: Relaxed exclusivity: before the proposal takes effect, the old terms apply
    Given the amendment "azure-relaxed"
    And the date is 2025-09-30
    When OpenAI proposes to "partner with Google Cloud"
    Then the move is blocked by "azure-exclusivity-before-azure-relaxed"
    And the report matches:
      | type     | rule                                   | severity |
      | conflict | azure-exclusivity-before-azure-relaxed | blocking |

  Scenario: IP access without Windsurf: another acquisition still extends Microsoft's access
    Given the amendment "ip-without-windsurf"
    And the date is 2025-10-01
    When OpenAI proposes to "acquire Cursor"
    Then there is a warning from "ip-access-covers-acquisitions"
    And Microsoft gains access to the IP of cursor

  Scenario: IP access without Windsurf: acquiring Windsurf gives Microsoft nothing
    Given the amendment "ip-without-windsurf"
    And the date is 2025-10-01
    When OpenAI proposes to "acquire Windsurf"
    Then the move is clear
    And "ip-access-covers-acquisitions" is not triggered because entity is not windsurf

  Scenario: IP access without Windsurf: withholding OpenAI's own IP is still blocked
    Given the amendment "ip-without-windsurf"
    And the date is 2025-10-01
    When OpenAI proposes to "withhold ChatGPT IP from Microsoft"
    Then the move is blocked by "ip-withholding"

  Scenario: IP access without Windsurf: withholding Windsurf's IP is clear
    Given the amendment "ip-without-windsurf"
    And the date is 2025-10-01
    And "acquire Windsurf" has happened
    When OpenAI proposes to "withhold Windsurf IP from Microsoft"
    Then the move is clear
    And "ip-withholding" is not triggered because company is not windsurf

  Scenario: Access after AGI: AGI ends exclusivity but Microsoft keeps its access
    Given the amendment "access-after-agi"
    And the date is 2025-10-01
    When OpenAI proposes to "declare AGI"
    Then there is a warning from "agi-ends-partnership"
    And Microsoft gains access to OpenAI's technology after AGI
    And the partnership is in force
    And the clause "azure-exclusivity" is ended
    And the clause "ip-access" is in force

  Scenario: Access after AGI: before the proposal takes effect, AGI ends the partnership
    Given the amendment "access-after-agi"
    And the date is 2025-09-01
    When OpenAI proposes to "declare AGI"
    Then the partnership has ended
    And "access-after-agi" is not triggered because the norm applies from 2025-10-01
    And "agi-ends-partnership" is not triggered because the norm applies from 2025-10-01

  Scenario: Equity for access: Microsoft's model access runs to the end of 2035
    Given the amendment "equity-for-access"
    When time passes to 2031-06-01
    Then the clause "model-access-term" is in force
    And "model-access-expiry" is not triggered

  Scenario: Equity for access: and ends after 2035
    Given the amendment "equity-for-access"
    When time passes to 2036-01-02
    Then the clause "model-access-term" is ended
    And the report matches:
      | type        | rule                   | severity |
      | conflict    | conversion-by-end-2025 | blocking |
      | consequence | model-access-expiry    | info     |

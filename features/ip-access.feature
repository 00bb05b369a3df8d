@ip-access
Feature: Microsoft's access to OpenAI's intellectual property
  Microsoft has access to all of OpenAI's intellectual property. Whatever company OpenAI
  acquires, its IP becomes OpenAI's IP, and so Microsoft gains access to it: this is how the
  press framed the Windsurf dispute (Windsurf competes with Microsoft's GitHub Copilot).

  Background:
    Given the contract "contracts/openai-microsoft.yaml"

  Scenario Outline: Acquiring a company extends Microsoft's access to its IP
    When OpenAI proposes to "<acquisition>"
    Then there is a warning from "ip-access"
    And Microsoft gains access to the IP of <company>
    And the move is clear

    Examples:
      | acquisition               | company  |
      | acquire Windsurf          | Windsurf |
      | acquire Windsurf for $3B  | Windsurf |
      | buy Cursor for 2 billion  | Cursor   |

  Scenario: Without an acquisition, Microsoft gains nothing new
    When OpenAI proposes to "raise funding from Thrive Capital"
    Then "ip-access-covers-acquisitions" is not triggered
    And the move is clear

  Scenario: Withholding an acquired company's IP from Microsoft breaks the clause
    Given "acquire Windsurf" has happened
    When OpenAI proposes to "withhold Windsurf IP from Microsoft"
    Then the move is blocked by "ip-access"
    And the clause "ip-access" is violated

  Scenario: IP that OpenAI does not own is not covered
    When OpenAI proposes to "withhold Windsurf IP from Microsoft"
    Then the move is clear
    And "ip-withholding" is not triggered because company is in openai-ip (it does not)

  Scenario: After AGI, an acquisition no longer extends Microsoft's access
    Given "declare AGI" has happened
    When OpenAI proposes to "acquire Windsurf"
    Then "ip-access-covers-acquisitions" is not triggered because the partnership has ended

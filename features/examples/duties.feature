@example
Feature: Duties that repeat, bind to what started them, and outlive the agreement
  A support and supply agreement (tests/contracts/duties): each reported defect must be fixed
  within 10 days, an order delivered by a date, a service report every 90 days, and a better
  discount given to another customer matched for the client within 30 days.

  Background:
    Given the contract "tests/contracts/duties/contract.yaml"
    And the date is 2025-02-01

  Scenario: Each defect has its own deadline
    Given "report defect D-1" happened on 2025-02-01
    And "report defect D-2" happened on 2025-02-03
    And "fix defect D-2" happened on 2025-02-05
    When time passes to 2025-03-01
    Then the move is blocked by "fix-each-defect"
    And the report matches:
      | type     | rule            | severity |
      | conflict | fix-each-defect | blocking |

  Scenario: Every defect fixed in time
    Given "report defect D-1" happened on 2025-02-01
    And "fix defect D-1" happened on 2025-02-05
    When time passes to 2025-03-01
    Then the move is clear
    And the deadline "fix-each-defect" is not pending

  Scenario: An order starts a deadline due on the agreed date
    Given "place an order" happened on 2025-03-01
    When time passes to 2025-07-01
    Then the move is blocked by "deliver-the-order"

  Scenario: Delivered in time
    Given "place an order" happened on 2025-03-01
    And "deliver the order" happened on 2025-06-01
    When time passes to 2025-07-01
    Then "deliver-the-order" is not triggered because norm is deliver-the-order

  Scenario: A report restarts the 90 days
    Given "place an order" happened on 2025-02-01
    When Vendor proposes to "submit a service report" on 2025-04-01
    Then the move is clear
    And the deadline "report-every-90-days" is pending

  Scenario: An order outside the reporting window starts no report deadline
    When Client proposes to "place an order" on 2026-01-10
    Then "report-every-90-days" is not triggered because not started on 2026-01-10

  Scenario: A better discount elsewhere must be matched
    Given "give Acme a 12 percent discount" happened on 2025-03-01
    And "give client a 10 percent discount" happened on 2025-03-10
    When time passes to 2025-04-15
    Then the move is blocked by "match-better-discounts"

  Scenario: Matching the discount meets the duty
    Given "give Acme a 12 percent discount" happened on 2025-03-01
    When Vendor proposes to "give client a 12 percent discount" on 2025-03-10
    Then the move is clear
    And the deadline "match-better-discounts" is not pending

  Scenario: A duty that accrued before the end survives it
    Given "give Acme a 12 percent discount" happened on 2025-03-01
    And "end the agreement" happened on 2025-03-12
    When time passes to 2025-04-15
    Then the move is blocked by "match-better-discounts"
    And the partnership has ended

  Scenario: Ending the agreement ends support, and the wind-down clause hears of it
    When Client proposes to "end the agreement"
    Then the report matches:
      | type        | rule                        | severity |
      | consequence | end-by-notice               | info     |
      | consequence | hand-over-when-support-ends | info     |
    And the clause "wind-down" is in force

  Scenario: While support lasts, nothing is handed over
    When Client proposes to "place an order"
    Then "hand-over-when-support-ends" is not triggered

  Scenario: A deep discount is above the cap
    When Vendor proposes to "give Acme a 40 percent discount"
    Then the move is blocked by "no-deep-discounts"

  Scenario: A specific norm overrides the general one
    When Vendor proposes to "give Outlet a 40 percent discount"
    Then the move is clear
    And "no-deep-discounts" is not triggered because overridden by outlet-clearance

  Scenario: Nothing applies before the contract takes effect
    When Vendor proposes to "give Acme a 40 percent discount" on 2025-01-10
    Then the move is clear
    And "no-deep-discounts" is not triggered because the contract takes effect on 2025-01-15

  Scenario: A notice of termination takes effect 90 days later
    Given "give notice of termination" happened on 2025-03-01
    When time passes to 2025-06-01
    Then the partnership has ended

  Scenario: Within the notice period the agreement still runs
    Given "give notice of termination" happened on 2025-03-01
    When time passes to 2025-05-29
    Then the partnership is in force

  Scenario: A withdrawn notice does not take effect
    Given "give notice of termination" happened on 2025-03-01
    And "withdraw the notice" happened on 2025-04-01
    When time passes to 2025-12-31
    Then the partnership is in force

  Scenario: Confidentiality binds either party
    When Client proposes to "disclose confidential information"
    Then the move is blocked by "mutual-confidentiality@client"
    And "mutual-confidentiality@vendor" is not triggered because actor is vendor

  Scenario: A third party is not bound by a mutual clause
    When Audit Partners proposes to "disclose confidential information"
    Then the move is clear

  Scenario: Insurance cover that falls below the minimum breaks the duty to keep it
    When Vendor proposes to "set insurance cover to 1500000" on 2025-03-01
    Then the move is blocked by "keep-insurance"

  Scenario: Insurance cover above the minimum keeps the duty
    When Vendor proposes to "set insurance cover to 2500000" on 2025-03-01
    Then "keep-insurance" is not triggered because defeated by exception

  Scenario: Giving notice is a consequence, not yet the end
    When Client proposes to "give notice of termination"
    Then the report matches:
      | type        | rule                | severity |
      | consequence | end-for-convenience | info     |
    And the partnership is in force

  Scenario: No notice can be given once the agreement has ended
    Given "end the agreement" happened on 2025-02-01
    When Client proposes to "give notice of termination" on 2025-02-02
    Then "end-for-convenience" is not triggered because no longer in force

  Scenario: An agreement that has ended cannot be ended again
    Given "end the agreement" happened on 2025-02-01
    When Client proposes to "end the agreement" on 2025-02-02
    Then "end-by-notice" is not triggered because no longer in force

  Scenario: The vendor is bound by the mutual clause too, and so are its affiliates
    When Vendor Services GmbH proposes to "disclose confidential information"
    Then the move is blocked by "mutual-confidentiality@vendor"

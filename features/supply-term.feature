@supply
Feature: The contract term renews by itself unless notice is given in time; quarters recur
  The supply agreement (tests/contracts/supply) runs two years from 2025-01-01 and renews for a
  year at a time, without limit, unless notice of non-renewal comes at least 90 days before the
  end of the then-current term. Each calendar quarter's end starts a 30-day reporting duty.

  Background:
    Given the contract "tests/contracts/supply/contract.yaml"

  Scenario: Without notice the term renews, year after year
    Given the date is 2024-12-01
    When time passes to 2030-02-01
    Then "term-renews" applies 4 times
    And "term-ends" is not triggered
    And the partnership is in force
    And the report says "term 5 runs from 2030-01-01 to 2030-12-31"

  Scenario: Notice 90 days or more before the end of the term ends the agreement
    Given "give notice of non-renewal" happened on 2026-09-01
    When time passes to 2027-02-01
    Then "term-ends" applies
    And "term-renews" is not triggered
    And the partnership has ended
    And the report says "The agreement ended with term 1 on 2026-12-31."

  Scenario: Late notice does not stop this renewal, but ends the next term
    Given "give notice of non-renewal" happened on 2026-11-15
    When time passes to 2028-02-01
    Then "term-renews" applies 1 time
    And "term-ends" applies
    And the report says "The agreement ended with term 2 on 2027-12-31."

  Scenario: A report sent within 30 days of the quarter's end meets the duty
    When Contoso proposes to "send the quarterly sales report" on 2025-04-20
    Then "quarterly-sales-report" is not triggered
    And the deadline "quarterly-sales-report" is not pending

  Scenario: Each quarter's end starts the reporting duty again
    Given the date is 2025-01-15
    When time passes to 2025-08-15
    Then the move is blocked by "quarterly-sales-report"
    And "quarterly-sales-report" applies 2 times

  Scenario: A report for one quarter does not cover the next
    Given "send the quarterly sales report" happened on 2025-04-20
    When time passes to 2025-08-15
    Then the move is blocked by "quarterly-sales-report"
    And "quarterly-sales-report" applies 1 time

  Scenario: Confidentiality survives the end of the agreement for 12 months
    Given "give notice of non-renewal" happened on 2026-09-01
    When Contoso proposes to "disclose Northwind's price list" on 2027-11-30
    Then the move is blocked by "no-disclosure"
    And the partnership has ended

  Scenario: After its 12 months the confidentiality clause has ended
    Given "give notice of non-renewal" happened on 2026-09-01
    When Contoso proposes to "disclose Northwind's price list" on 2028-01-02
    Then "no-disclosure" is not triggered because confidentiality's 12 months after the end of the partnership ran out (2027-12-31 was the last day)
    And the clause "confidentiality" is ended

@supply
Feature: Sums and counts of moves over contract years, quarters, rolling windows and all time
  The supply agreement (tests/contracts/supply) measures seat purchases per contract year and per
  customer per calendar year, demonstration seats in total, audits per contract year and price
  changes in any 365 days. The report gives the figures a norm was decided on.

  Background:
    Given the contract "tests/contracts/supply/contract.yaml"

  Scenario: Two purchases of 300 seats meet the 500-seat minimum of a contract year
    Given "buy 300 seats" happened on 2025-02-01
    And "buy 300 seats" happened on 2025-07-01
    When time passes to 2026-01-05
    Then "minimum-purchase" is not triggered because defeated by exception: seats-bought at least 500

  Scenario: 450 seats in a contract year fall short, and the report says by how much
    Given "buy 300 seats" happened on 2026-02-01
    And "buy 150 seats" happened on 2026-06-01
    When time passes to 2027-01-05
    Then the move is blocked by "minimum-purchase"
    And the report says "it does not: 2 seat purchase moves total 450 seats in contract year 2 (2026-01-01..2026-12-31)"

  Scenario: Demonstration seats are capped at 25 in total, the proposed deployment included
    Given "deploy 20 demo seats" happened on 2025-03-01
    When Contoso proposes to "deploy 10 demo seats" on 2026-05-01
    Then the move is blocked by "demo-seat-cap"

  Scenario: Demonstration seats within the cap are clear
    Given "deploy 20 demo seats" happened on 2025-03-01
    When Contoso proposes to "deploy 5 demo seats" on 2026-05-01
    Then "demo-seat-cap" is not triggered because it does not: 2 demonstration deployment moves total 25 seats in all

  Scenario: A second audit in the same contract year is blocked
    Given "audit Contoso" happened on 2025-03-01
    When Northwind proposes to "audit Contoso" on 2025-11-01
    Then the move is blocked by "one-audit-a-year"

  Scenario: An audit in the next contract year is clear
    Given "audit Contoso" happened on 2025-03-01
    When Northwind proposes to "audit Contoso" on 2026-01-10
    Then "one-audit-a-year" is not triggered because 1 audit move in contract year 2

  Scenario: A third price change within 365 days is blocked
    Given "change prices by 3 percent" happened on 2025-02-01
    And "change prices by 2 percent" happened on 2025-09-01
    When Northwind proposes to "change prices by 4 percent" on 2026-01-15
    Then the move is blocked by "two-price-changes-a-year"

  Scenario: A price change 365 days after the first one is the second in its window
    Given "change prices by 3 percent" happened on 2025-02-01
    And "change prices by 2 percent" happened on 2025-09-01
    When Northwind proposes to "change prices by 4 percent" on 2026-02-01
    Then "two-price-changes-a-year" is not triggered because 2 price change moves in the 365 days 2025-02-02..2026-02-01

  Scenario: Purchases are summed per customer
    Given "buy 600 seats for Tailspin" happened on 2026-02-01
    And "buy 600 seats for Wingtip" happened on 2026-03-01
    When Contoso proposes to "buy 500 seats for Tailspin" on 2026-04-01
    Then "big-customer" applies 1 time
    And the report says "Tailspin has now taken 1000 seats or more this calendar year."

  Scenario: Only price increases count towards the 5% a year
    Given "change prices by 3 percent" happened on 2025-02-01
    And "change prices by -4 percent" happened on 2025-05-01
    When Northwind proposes to "change prices by 2 percent" on 2025-09-01
    Then "five-percent-a-year" is not triggered because 2 price change moves total 5 percent in the 365 days

  Scenario: Increases of more than 5% within 365 days are blocked
    Given "change prices by 3 percent" happened on 2025-02-01
    When Northwind proposes to "change prices by 3 percent" on 2025-09-01
    Then the move is blocked by "five-percent-a-year"

@supply
Feature: Values the contract keeps, and arithmetic on them
  The supply agreement (tests/contracts/supply) keeps the best discount Northwind has given any
  other customer (most-favoured customer), what Contoso owes from resales (a 10% revenue share)
  and what Northwind has paid on liability claims, capped at the greater of $500,000 and the fees
  paid in the last 12 months.

  Background:
    Given the contract "tests/contracts/supply/contract.yaml"
    And the date is 2025-01-20

  Scenario: A quote to Contoso worse than the best discount given to others is blocked
    Given "give Tailspin a 15 percent discount" happened on 2025-02-01
    When Northwind proposes to "quote Contoso a 10 percent discount" on 2025-03-01
    Then the move is blocked by "most-favoured-customer"
    And the report says "it does: discount = 10, best-discount = 15"

  Scenario: A quote matching the best discount is clear
    Given "give Tailspin a 15 percent discount" happened on 2025-02-01
    And "give Wingtip a 12 percent discount" happened on 2025-02-10
    When Northwind proposes to "quote Contoso a 15 percent discount" on 2025-03-01
    Then "most-favoured-customer" is not triggered because it does not: discount = 15, best-discount = 15

  Scenario: A smaller discount to another customer does not lower the best discount
    Given "give Tailspin a 15 percent discount" happened on 2025-02-01
    When Northwind proposes to "give Wingtip a 12 percent discount" on 2025-02-10
    Then "track-best-discount" is not triggered because it does not: discount = 12, best-discount = 15

  Scenario: Each resale adds 10% to what Contoso owes
    Given "resell products for 20000" happened on 2025-02-01
    When Contoso proposes to "resell products for 5000" on 2025-02-15
    Then "revenue-share" applies 1 time
    And the report says "values: best-discount = 0, revenue-owed = 2500, liability-paid = 0"

  Scenario: Liability payments past the greater of $500,000 and a year's fees warn
    Given "pay fees of 300000" happened on 2025-02-01
    And "pay a liability claim of 400000" happened on 2025-03-01
    When Northwind proposes to "pay a liability claim of 150000" on 2025-04-01
    Then there is a warning from "liability-cap"
    And the report says "add(liability-paid, amount) = 550000, max(500000, fees-paid) = 500000"

  Scenario: Fees paid in the last 12 months raise the cap
    Given "pay fees of 700000" happened on 2025-02-01
    And "pay a liability claim of 400000" happened on 2025-03-01
    When Northwind proposes to "pay a liability claim of 150000" on 2025-04-01
    Then "liability-cap" is not triggered because max(500000, fees-paid) = 700000

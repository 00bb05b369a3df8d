@reseller
Feature: Reseller partnership: commitments, caps, audit, warranty, escrow, end customers, insurance
  Each norm shown firing and not firing, with the figures and reasons the report gives.

  Background:
    Given the contract "contracts/reseller-partnership.yaml"

  Scenario: Fewer than 500 seats in a contract year fall short and cost the exclusivity
    Given "buy 300 seats" happened on 2026-02-01
    And "buy 150 seats" happened on 2026-06-01
    When time passes to 2027-01-05
    Then the move is blocked by "minimum-commitment"
    And the report says "no: 2 seat purchase moves total 450 seats in contract year 1 (2026-01-01..2026-12-31)"
    And the clause "exclusivity" is ended

  Scenario: Two purchases of 300 seats meet the minimum
    Given "buy 300 seats" happened on 2026-02-01
    And "buy 300 seats" happened on 2026-06-01
    When time passes to 2027-01-05
    Then "minimum-commitment" is not triggered because defeated by exception: seats-bought at least 500
    And the clause "exclusivity" is in force

  Scenario: Not-for-resale seats are capped at 50 in total, the proposed deployment included
    Given "deploy 40 demonstration seats" happened on 2026-02-01
    When Contoso proposes to "deploy 20 demonstration seats" on 2027-05-01
    Then the move is blocked by "nfr-seat-cap"

  Scenario: Not-for-resale seats within the cap are clear
    Given "deploy 40 demonstration seats" happened on 2026-02-01
    When Contoso proposes to "deploy 10 demonstration seats" on 2027-05-01
    Then "nfr-seat-cap" is not triggered because it does not: 2 not-for-resale deployment moves total 50 seats in all

  Scenario: List-price increases of more than 5% in 365 days are blocked
    Given "raise list prices by 3 percent" happened on 2026-02-01
    When Northwind proposes to "raise list prices by 3 percent" on 2026-12-01
    Then the move is blocked by "price-increase-cap"

  Scenario: An increase more than 365 days after the last one starts a new window
    Given "raise list prices by 3 percent" happened on 2026-02-01
    When Northwind proposes to "raise list prices by 3 percent" on 2027-02-02
    Then "price-increase-cap" is not triggered because it does not

  Scenario: A liability payment over the greater of $500,000 and the last 12 months' fees warns
    Given "pay a liability claim of $400,000" happened on 2026-02-01
    When Northwind proposes to "pay a liability claim of $200,000" on 2026-03-01
    Then there is a warning from "liability-cap"

  Scenario: Fees paid in the last 12 months raise the cap above $500,000
    Given "remit $800,000 to Northwind" happened on 2026-01-20
    And "pay a liability claim of $400,000" happened on 2026-02-01
    When Northwind proposes to "pay a liability claim of $200,000" on 2026-03-01
    Then "liability-cap" is not triggered because it does not

  Scenario: A second audit in the same contract year is blocked
    Given "audit Contoso's sales records" happened on 2026-03-01
    When Northwind proposes to "audit Contoso's sales records" on 2026-11-01
    Then the move is blocked by "one-audit-a-year"

  Scenario: An audit in the next contract year is clear
    Given "audit Contoso's sales records" happened on 2026-03-01
    When Northwind proposes to "audit Contoso's sales records" on 2027-01-10
    Then "one-audit-a-year" is not triggered because 1 audit move in contract year 2

  Scenario: Each defect has its own 10-day deadline
    When Contoso proposes the timeline:
      | date       | actor     | move                |
      | 2026-02-01 |           | report defect D-1   |
      | 2026-02-02 |           | report defect D-2   |
      | 2026-02-05 | Northwind | fix defect D-1      |
      | 2026-02-20 | Northwind | fix defect D-2      |
    Then the move is blocked by "fix-each-defect"
    And "fix-each-defect" applies 1 time
    And the report says "Defect D-2 was not fixed by 2026-02-12."

  Scenario: A defect fixed in time is met
    When Contoso proposes the timeline:
      | date       | actor     | move              |
      | 2026-02-01 |           | report defect D-1 |
      | 2026-02-05 | Northwind | fix defect D-1    |
    Then "fix-each-defect" is not triggered because met: fix defect D-1 on 2026-02-05

  Scenario: The warranty survives the end for 12 months: defects reported after the end are still due
    Given "Contoso gives notice of termination for convenience" happened on 2026-02-01
    When Contoso proposes the timeline:
      | date       | move              |
      | 2026-04-30 | report defect D-7 |
      | 2026-09-01 | report defect D-8 |
    Then "fix-each-defect" applies 1 time
    And the report says "Defect D-7 was not fixed by 2026-05-10."
    And the deadline "fix-each-defect" is pending
    And the report says "until 2027-05-01"

  Scenario: The warranty tail runs out 12 months after the end
    Given "Contoso gives notice of termination for convenience" happened on 2026-02-01
    When Contoso proposes to "report defect D-9" on 2027-06-01
    Then "fix-each-defect" is not triggered because 12 months after the end of the partnership ran out

  Scenario: Each release's source code is deposited in escrow within 30 days
    When Northwind proposes the timeline:
      | date       | move                                          |
      | 2026-02-01 | release version 2.0                           |
      | 2026-02-15 | release version 2.1                           |
      | 2026-02-20 | deposit the source code of version 2.1 in escrow |
    And time passes to 2026-03-20
    Then the deadline "escrow-each-release" is not pending

  Scenario: A release not deposited in escrow is a breach, one per version
    When Northwind proposes the timeline:
      | date       | move                                             |
      | 2026-02-01 | release version 2.0                              |
      | 2026-02-15 | release version 2.1                              |
      | 2026-02-20 | deposit the source code of version 2.1 in escrow |
      | 2026-03-20 | deposit the source code of version 3.0 in escrow |
    Then the move is blocked by "escrow-each-release"
    And "escrow-each-release" applies 1 time
    And the report says "The source code of version 2.0 was not deposited in escrow by 2026-03-03."
    And the report says "met: deposit the source code of version 2.1 in escrow on 2026-02-20"

  Scenario: The escrow agent may not release the source code while Northwind is solvent
    When Trey Escrow proposes to "release the escrowed source code to Contoso" on 2026-02-01
    Then the move is blocked by "escrow-release-condition"

  Scenario: Northwind's insolvency ends the agreement, lets the escrow agent release the code, and accrued duties survive
    When Northwind proposes the timeline:
      | date       | actor       | move                                         |
      | 2026-02-01 |             | become insolvent                             |
      | 2026-02-10 | Trey Escrow | release the escrowed source code to Contoso |
    Then "insolvency" applies 1 time
    And "end-customer-support" is not triggered because defeated by exception: flag northwind-insolvent
    And "escrow-release-condition" is not triggered because defeated by exception: flag northwind-insolvent
    And Contoso gains use the escrowed source code
    And the partnership has ended
    And the report says "The duty partner-certification due 2026-03-31 survives the end of clause cooperation as an accrued duty."

  Scenario: An insolvency before the agreement takes effect does not end it
    When Northwind proposes to "become insolvent" on 2025-12-20
    Then "insolvency" is not triggered because the contract takes effect on 2026-01-01
    And the partnership is in force

  Scenario: When the agreement ends, the end customer gains its third-party right
    Given "Contoso gives notice of termination for convenience" happened on 2026-02-01
    When time passes to 2026-05-10
    Then "end-customer-support" applies 1 time
    And Tailspin gains the right to support from Northwind

  Scenario: While the agreement runs, the end customer holds no such right
    Given "Contoso gives notice of termination for convenience" happened on 2026-02-01
    When time passes to 2026-04-10
    Then "end-customer-support" is not triggered

  Scenario: Insurance cover below $2,000,000 breaks the duty to keep it
    When Contoso proposes to "set its insurance cover to $1,500,000" on 2026-02-01
    Then the move is blocked by "keep-insurance"

  Scenario: Insurance cover of $2,000,000 or more keeps the duty
    When Contoso proposes to "set its insurance cover to $3,000,000" on 2026-02-01
    Then the move is clear
    And "keep-insurance" is not triggered

  Scenario: A certificate of insurance is due every 365 days, each one starting the next
    Given "set its insurance cover to $3,000,000" happened on 2026-02-01
    And "deliver a certificate of insurance" happened on 2026-12-01
    When time passes to 2027-12-05
    Then the move is blocked by "insurance-certificate"
    And the report says "Contoso did not deliver a certificate of insurance by 2027-12-01."

  Scenario: A certificate in time is met
    When Contoso proposes the timeline:
      | date       | move                                  |
      | 2026-02-01 | set its insurance cover to $3,000,000 |
      | 2026-12-01 | deliver a certificate of insurance    |
    Then "insurance-certificate" is not triggered because met: deliver a certificate of insurance on 2026-12-01
    And the deadline "insurance-certificate" is pending

@reseller
Feature: Reseller partnership: cooperation, payment, trademarks, term and termination
  The second bundled contract (contracts/reseller-partnership.yaml): Northwind Software appoints
  Contoso Resellers. Each norm is shown firing and not firing, with the reason it does not.

  Background:
    Given the contract "contracts/reseller-partnership.yaml"

  Scenario: The partner certification is due by 31 March 2026
    When time passes to 2026-04-02
    Then the move is blocked by "partner-certification"
    And the report says "Contoso did not complete the partner certification by 2026-03-31."

  Scenario: A certification on the last day meets the duty
    When Contoso proposes to "complete the partner certification" on 2026-03-31
    Then "partner-certification" is not triggered because met: complete the partner certification on 2026-03-31
    And the deadline "partner-certification" is not pending

  Scenario: Each quarter starts its own sales-report deadline, missed here for 2026-Q1
    Given "complete the partner certification" happened on 2026-02-01
    When time passes to 2026-05-05
    Then the move is blocked by "quarterly-sales-report"
    And the report says "Contoso did not report its sales for 2026-Q1 by 2026-05-01."

  Scenario: A sales report within 30 days after the quarter meets it
    Given "complete the partner certification" happened on 2026-02-01
    When Contoso proposes the timeline:
      | date       | move                           |
      | 2026-04-20 | send the quarterly sales report |
    Then "quarterly-sales-report" is not triggered because met: send the quarterly sales report on 2026-04-20

  Scenario: Each resale adds 70% of its price to what Contoso owes Northwind
    When Contoso proposes to "resell licences for $10,000 in Europe" on 2026-02-01
    Then "revenue-share" applies 1 time
    And the report says "revenue-owed is now 7000"

  Scenario: A remittance is not a resale and owes nothing
    When Contoso proposes to "remit $7,000 to Northwind" on 2026-02-01
    Then "revenue-share" is not triggered
    And the report says "revenue-owed = 0"

  Scenario: Contoso uses Northwind's trademarks without approval
    When Contoso proposes to "use the other party's trademarks in a campaign" on 2026-02-01
    Then the move is blocked by "trademark-approval@contoso"

  Scenario: Northwind's approval covers Contoso's campaign
    Given "Northwind approves the trademark campaign" happened on 2026-01-20
    When Contoso proposes to "use the other party's trademarks in a campaign" on 2026-02-01
    Then "trademark-approval@contoso" is not triggered because defeated by exception: consent from northwind

  Scenario: The clause is mutual: Northwind needs Contoso's approval to use Contoso's marks
    When Northwind proposes to "use the other party's trademarks in a campaign" on 2026-02-01
    Then the move is blocked by "trademark-approval@northwind"
    And "trademark-approval@contoso" is not triggered

  Scenario: Contoso's approval covers Northwind's campaign
    When Northwind proposes the timeline:
      | date       | actor   | move                                             |
      | 2026-01-20 | Contoso | approve the trademark campaign                   |
      | 2026-02-01 |         | use the other party's trademarks in a campaign |
    Then "trademark-approval@northwind" is not triggered because defeated by exception: consent from contoso

  Scenario: No resale once the agreement has ended (the clause survives the end)
    When Contoso proposes the timeline:
      | date       | move                                       |
      | 2026-02-01 | give notice of termination for convenience |
      | 2026-06-01 | resell licences for $5,000 in Europe       |
    Then the move is blocked by "no-resale-after-end"

  Scenario: A resale while the agreement runs is clear of the wind-down
    When Contoso proposes to "resell licences for $5,000 in Europe" on 2026-02-01
    Then "no-resale-after-end" is not triggered because needs the partnership has ended (it does not)

  Scenario: The term renews by itself without a notice of non-renewal
    When time passes to 2028-01-05
    Then "term-renews" applies 1 time
    And the report says "term 2 runs from 2028-01-01 to 2028-12-31"

  Scenario: A notice of non-renewal 60 days before the end stops the renewal
    Given "Contoso gives notice of non-renewal" happened on 2027-10-01
    When time passes to 2028-01-05
    Then "term-renews" is not triggered
    And "late-non-renewal" is not triggered
    And the partnership has ended

  Scenario: A notice of non-renewal less than 60 days before the end counts only for the next end
    Given "Contoso gives notice of non-renewal" happened on 2027-11-15
    When time passes to 2028-01-05
    Then there is a warning from "late-non-renewal"
    And "term-renews" is not triggered because defeated by exception
    And the partnership is in force

  Scenario: Notice of termination for convenience takes effect 90 days later
    Given "Contoso gives notice of termination for convenience" happened on 2026-02-01
    When time passes to 2026-05-03
    Then the partnership has ended
    And the report says "takes effect: the partnership ends."

  Scenario: A withdrawn notice does not end the agreement, and a later notice starts afresh
    When Northwind proposes the timeline:
      | date       | move                                       |
      | 2026-02-01 | give notice of termination for convenience |
      | 2026-03-01 | withdraw the notice of termination         |
    Then "termination-for-convenience@northwind" applies 1 time
    And the partnership is in force
    And "termination-for-convenience@contoso" is not triggered

  Scenario: Only the party that gave notice can withdraw it
    Given "Northwind gives notice of termination for convenience" happened on 2026-02-01
    And "Contoso withdraws the notice of termination" happened on 2026-03-01
    When time passes to 2026-05-10
    Then the partnership has ended

  Scenario: Contoso's notice is its own norm
    When Contoso proposes to "give notice of termination for convenience" on 2026-02-01
    Then "termination-for-convenience@contoso" applies 1 time
    And "termination-for-convenience@northwind" is not triggered

  Scenario: A notice dated before the effective date is not applicable
    When Contoso proposes to "give notice of termination for convenience" on 2025-12-15
    Then "termination-for-convenience@contoso" is not triggered because the contract takes effect on 2026-01-01

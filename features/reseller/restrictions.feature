@reseller
Feature: Reseller partnership: territory, non-compete, change of control, assignment, first offer, most favoured
  Each norm of the restrictive clauses shown firing and not firing, with the reason it does not.

  Background:
    Given the contract "contracts/reseller-partnership.yaml"

  Scenario: Appointing another reseller in the Territory breaks the exclusivity
    When Northwind proposes to "appoint Litware Direct as a reseller in Europe" on 2026-02-01
    Then the move is blocked by "exclusive-territory"
    And the clause "exclusivity" is violated

  Scenario: Appointing a reseller outside the Territory is clear
    When Northwind proposes to "appoint Litware Direct as a reseller in APAC" on 2026-02-01
    Then "exclusive-territory" is not triggered because region is in territory

  Scenario: The exclusivity period ends after 31 December 2027
    Given "buy 500 seats" happened on 2026-02-01
    And "buy 500 seats" happened on 2027-02-01
    When time passes to 2028-01-02
    Then "exclusivity-period" applies 1 time
    And the clause "exclusivity" is ended

  Scenario: An extended exclusivity has not expired in January 2028
    Given "buy 500 seats" happened on 2026-02-01
    And "buy 500 seats" happened on 2027-02-01
    And "extend the exclusivity to the end of 2028" happened on 2027-06-01
    When Northwind proposes to "appoint Litware Direct as a reseller in Europe" on 2028-01-10
    Then "exclusivity-period" is not triggered
    And the move is blocked by "exclusive-territory"

  Scenario: Contoso may resell only in the Territory
    When Contoso proposes to "resell licences for $5,000 in North America" on 2026-02-01
    Then the move is blocked by "resale-in-territory"

  Scenario: A resale in the Territory is clear
    When Contoso proposes to "resell licences for $5,000 in Europe" on 2026-02-01
    Then "resale-in-territory" is not triggered because region is not in territory

  Scenario: Distributing a competitor's products breaks the non-compete
    When Contoso proposes to "distribute Litware products" on 2026-02-01
    Then the move is blocked by "non-compete"

  Scenario: An affiliate's move is Contoso's move
    Given "Contoso Europe BV distributes Proseware products" happened on 2026-01-10
    When Contoso proposes to "Contoso Europe BV distributes Litware products" on 2026-02-01
    Then the move is blocked by "non-compete"
    And the report says "distribution of another vendor's products by Contoso Resellers"

  Scenario: A vendor Northwind later names a competitor is covered too
    Given "name Proseware a competitor" happened on 2026-01-15
    When Contoso proposes to "distribute Proseware products" on 2026-02-01
    Then the move is blocked by "non-compete"

  Scenario: A vendor that is no competitor is not covered
    When Contoso proposes to "distribute Proseware products" on 2026-02-01
    Then "non-compete" is not triggered because vendor is in competitors

  Scenario: Once the territory is no longer exclusive, the non-compete falls away
    Given "buy 100 seats" happened on 2026-03-01
    When Contoso proposes the timeline:
      | date       | move                         |
      | 2027-02-01 | distribute Litware products |
    Then "non-compete" is not triggered because defeated by exception: clause exclusivity ended

  Scenario: Adatum's legacy products are carved out of the non-compete (Contoso's reading)
    Given the reading "carve-out" of "non-compete"
    When Contoso proposes to "distribute Adatum products" on 2026-02-01
    Then "legacy-carve-out" applies 1 time
    And the report says "non-compete (non-compete), move 1: overridden by legacy-carve-out"
    And the move is clear

  Scenario: How far the carve-out reaches is disputed: clear under one reading, blocked under the other
    When Contoso proposes to "distribute Adatum products" on 2026-02-01
    Then under reading "carve-out" of "non-compete" the move is clear
    And under reading "narrow" of "non-compete" the move is blocked by "non-compete"

  Scenario: Under Northwind's narrow reading there is no carve-out
    Given the reading "narrow" of "non-compete"
    When Contoso proposes to "distribute Adatum products" on 2026-02-01
    Then the move is blocked by "non-compete"

  Scenario: The carve-out is for Adatum only
    When Contoso proposes to "distribute Litware products" on 2026-02-01
    Then "legacy-carve-out" is not triggered because vendor is adatum

  Scenario: Being acquired without Northwind's consent breaks the change-of-control clause
    When Contoso proposes to "be acquired by Fabrikam" on 2026-02-01
    Then the move is blocked by "change-of-control"

  Scenario: Consent covers that acquirer once, not another acquirer and not a second time
    When Contoso proposes the timeline:
      | date       | actor     | move                                   |
      | 2026-02-01 | Northwind | consent to an acquisition by Fabrikam |
      | 2026-03-01 |           | be acquired by Woodgrove               |
      | 2026-04-01 |           | be acquired by Fabrikam                |
      | 2026-05-01 |           | be acquired by Fabrikam                |
    Then "change-of-control" applies 2 times
    And the report says "defeated by exception: consent from northwind"

  Scenario: Assigning the agreement without consent is blocked
    When Contoso proposes to "assign the agreement to Woodgrove" on 2026-02-01
    Then the move is blocked by "no-assignment"

  Scenario: Consent to an assignee covers that assignee
    Given "consent to an assignment to Woodgrove" happened on 2026-01-20
    When Contoso proposes to "assign the agreement to Woodgrove" on 2026-02-01
    Then "no-assignment" is not triggered because defeated by exception: consent from northwind

  Scenario: Consent to one assignee does not cover another
    Given "consent to an assignment to Woodgrove" happened on 2026-01-20
    When Contoso proposes to "assign the agreement to Fabrikam" on 2026-02-01
    Then the move is blocked by "no-assignment"

  Scenario: Offering the new product line to another reseller before Contoso is blocked
    When Northwind proposes to "offer the new product line to Litware Direct at a 10 percent discount" on 2026-02-01
    Then the move is blocked by "offer-contoso-first"
    And "no-better-terms-to-others" is not triggered because needs a first_offer has already happened (it does not)

  Scenario: After the first offer, the same terms to another reseller are clear
    Given "offer Contoso the new product line at a 20 percent discount" happened on 2026-01-15
    When Northwind proposes to "offer the new product line to Litware Direct at a 20 percent discount" on 2026-02-01
    Then "offer-contoso-first" is not triggered because defeated by exception: first_offer happened
    And "no-better-terms-to-others" is not triggered because it does not
    And the move is clear

  Scenario: Better terms to another reseller than those first offered to Contoso are blocked
    Given "offer Contoso the new product line at a 20 percent discount" happened on 2026-01-15
    When Northwind proposes to "offer the new product line to Litware Direct at a 25 percent discount" on 2026-02-01
    Then the move is blocked by "no-better-terms-to-others"
    And the report says "yes: discount = 25, offered-discount = 20"

  Scenario: The right of first offer lasts until the end of 2027
    When Northwind proposes to "offer the new product line to Litware Direct at a 25 percent discount" on 2028-02-01
    Then "offer-contoso-first" is not triggered because the norm applies until 2027-12-31
    And "no-better-terms-to-others" is not triggered

  Scenario: A better discount to another customer is tracked
    When Northwind proposes to "give Wingtip a 15 percent discount" on 2026-02-01
    Then "track-best-discount" applies 1 time
    And the report says "best-discount is now 15"

  Scenario: Discounts to non-profit customers are not tracked
    When Northwind proposes to "give Humongous a 40 percent discount" on 2026-02-01
    Then "track-best-discount" is not triggered because defeated by exception
    And "match-better-discount" is not triggered

  Scenario: Each better discount must be matched for Contoso within 30 days, again each time
    When Northwind proposes the timeline:
      | date       | move                                  |
      | 2026-02-01 | give Wingtip a 15 percent discount    |
      | 2026-02-20 | raise Contoso's discount to 15 percent |
      | 2026-04-01 | give Lucerne a 20 percent discount    |
      | 2026-05-15 | raise Contoso's discount to 18 percent |
    Then the move is blocked by "match-better-discount"
    And "match-better-discount" applies 1 time
    And the report says "met: raise Contoso's discount to 15 percent on 2026-02-20"

  Scenario: A smaller discount than the best so far starts no duty
    Given "give Wingtip a 15 percent discount" happened on 2026-02-01
    And "raise Contoso's discount to 15 percent" happened on 2026-02-10
    When Northwind proposes to "give Lucerne a 12 percent discount" on 2026-03-01
    Then "track-best-discount" is not triggered because it does not
    And "match-better-discount" is not triggered

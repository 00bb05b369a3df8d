Feature: Mistakes and faults that once passed in silence
  A services agreement (tests/contracts/services): the vendor keeps the client's secrets for 6
  months after the agreement ends, files are destroyed when that period ends, the client pays
  each invoice within 10 days and each deposit within 15, keeps its account current within 30
  days of each invoice, and the vendor delivers the manual by the end of 2025.

  Background:
    Given the contract "tests/contracts/services/contract.yaml"
    And the date is 2025-02-01

  Scenario: A prohibition binds its bearer only
    When Client Inc proposes to "disclose the secrets"
    Then the move is clear
    And "keep-secrets" is not triggered because needs actor is vendor

  Scenario: The bearer's own move is prohibited
    When Vendor Ltd proposes to "disclose the secrets"
    Then the move is blocked by "keep-secrets"

  Scenario: The end of a survival tail is heard
    Given "end the agreement" happened on 2025-03-01
    When time passes to 2025-10-01
    Then "destroy-files" applies 1 time
    And the clause "secrecy" is ended
    And the report says "files_due_for_destruction"

  Scenario: While the tail runs, the clause is in force and nothing is heard yet
    Given "end the agreement" happened on 2025-03-01
    When time passes to 2025-08-01
    Then "destroy-files" is not triggered
    And the clause "secrecy" is in force

  Scenario: A leading article does not make a second work
    When Vendor Ltd proposes the timeline:
      | move                                 |
      | deliver the German localisation      |
      | deliver German localisation          |
    Then the set "delivered" holds exactly: German localisation

  Scenario: Case, an article or a hyphen make no second work
    When Vendor Ltd proposes the timeline:
      | move                                 |
      | deliver the German Localisation      |
      | deliver german-localisation          |
    Then the set "delivered" holds exactly: German Localisation

  Scenario: A rule's text is met whatever case the move is written in
    Given "deliver the Manual" happened on 2025-03-01
    When time passes to 2026-01-01
    Then the move is clear

  Scenario: A check of time alone finds what is overdue
    When time passes to 2026-01-01
    Then the move is blocked by "deliver-the-manual"

  Scenario: One payment meets one duty, the earliest due
    Given "send an invoice" happened on 2025-02-01
    And "request a deposit" happened on 2025-02-01
    And "make a payment" happened on 2025-02-05
    When time passes to 2025-02-20
    Then the move is blocked by "pay-deposit"
    And "pay-invoice" is not triggered

  Scenario: The report says which duty a payment did not meet, and why
    Given "send an invoice" happened on 2025-02-01
    And "request a deposit" happened on 2025-02-01
    When Client Inc proposes to "make a payment" on 2025-02-05
    Then "pay-deposit" is not triggered because this move met the deadline of pay-invoice
    And the deadline "pay-deposit" is pending
    And the deadline "pay-invoice" is not pending

  Scenario: Two payments meet both duties
    Given "send an invoice" happened on 2025-02-01
    And "request a deposit" happened on 2025-02-01
    And "make a payment" happened on 2025-02-05
    And "make a payment" happened on 2025-02-06
    When time passes to 2025-03-20
    Then the move is clear

  Scenario: A duty that says so is met by a move that also meets another
    Given "send an invoice" happened on 2025-02-01
    And "make a payment" happened on 2025-02-05
    When time passes to 2025-03-20
    Then the move is clear
    And the deadline "keep-account-current" is not pending

  Scenario: Rule mistakes that used to load are refused with file, line and a suggestion
    When the contract "tests/invalid/services-mistakes/contract.yaml" is loaded
    Then loading fails with "compare.left: '{customer}' is a name field"
    And loading fails with "unknown value 'best-discont' (did you mean 'best-discount'?)"
    And loading fails with "'term_ended' needs the contract's term"
    And loading fails with "norms[yearly-review].when.period: 'term' needs the contract's term"

  Scenario: A cycle of overrides is refused, naming each norm of it in order
    When the contract "tests/invalid/override-cycle/contract.yaml" is loaded
    Then loading fails with "norms[no-deep-discounts].overrides: 'no-deep-discounts', 'no-discounts-in-january' and 'no-discounts-to-anyone' override each other in a cycle"
    And loading fails with "no-deep-discounts overrides no-discounts-in-january"
    And loading fails with "rules.yaml:15), no-discounts-in-january overrides no-discounts-to-anyone"
    And loading fails with "rules.yaml:23), no-discounts-to-anyone overrides no-deep-discounts"
    And loading fails with "rules.yaml:31); each sets the next aside"

"""Each norm of the bundled contract, shown firing and not firing, through the Python API."""

from __future__ import annotations

import pytest

from engine import Contract, Report


def conflict_rules(report: Report) -> list[str]:
    return [f.rule or "" for f in report.conflicts]


def consequence_rules(report: Report) -> list[str]:
    return [f.rule or "" for f in report.consequences]


def outcome(report: Report, rule: str) -> str:
    found = [o for o in report.outcomes if o.rule == rule]
    assert found, f"{rule} was not considered:\n{report.to_text()}"
    return found[-1].status


@pytest.mark.parametrize("provider", ["Google Cloud", "GCP", "AWS", "Oracle", "CoreWeave"])
def test_azure_exclusivity_fires_for_any_other_provider(contract: Contract, provider: str) -> None:
    report = contract.check(f"partner with {provider}")
    assert report.verdict == "conflict"
    assert conflict_rules(report) == ["azure-exclusivity"]
    finding = report.conflicts[0]
    assert finding.clause == "azure-exclusivity"
    assert finding.clause_title == "Azure exclusivity"
    assert finding.severity.value == "blocking"
    assert any(
        e.condition == "the provider is not Microsoft Azure" and e.held for e in finding.evidence
    )
    assert report.state["after"].clauses["azure-exclusivity"].status == "violated"


def test_azure_exclusivity_does_not_fire_for_azure(contract: Contract) -> None:
    report = contract.check("partner with Azure")
    assert report.verdict == "clear"
    assert outcome(report, "azure-exclusivity") == "not_triggered"
    assert "provider is azure" in report.outcomes[0].reason


def test_azure_exclusivity_defeated_by_microsoft_consent(contract: Contract) -> None:
    report = contract.check("Microsoft consents to cloud partnership", "partner with Google Cloud")
    assert report.verdict == "clear"
    assert outcome(report, "azure-exclusivity") == "defeated"
    assert "consent from microsoft" in report.outcomes[-1].reason


@pytest.mark.parametrize("company", ["Windsurf", "Cursor"])
def test_ip_access_covers_any_acquisition(contract: Contract, company: str) -> None:
    report = contract.check(f"acquire {company} for $3B")
    assert consequence_rules(report) == ["ip-access-covers-acquisitions"]
    assert report.moves[0].fields == {"company": company.lower(), "price": 3_000_000_000}
    rights = report.state["after"].rights
    assert [(r.party, r.right) for r in rights] == [("microsoft", f"access to the IP of {company}")]
    assert company.lower() in report.state["after"].sets["openai-ip"]
    assert report.notices == []


def test_ip_access_not_triggered_without_an_acquisition(contract: Contract) -> None:
    report = contract.check("raise funding from Thrive Capital")
    assert "ip-access-covers-acquisitions" not in consequence_rules(report)
    assert report.state["after"].rights == []


def test_withholding_acquired_ip_breaks_ip_access(contract: Contract) -> None:
    report = contract.check("acquire Windsurf", "withhold Windsurf IP from Microsoft")
    assert conflict_rules(report) == ["ip-withholding"]
    assert report.conflicts[0].move == 1


def test_withholding_ip_openai_does_not_own_is_not_triggered(contract: Contract) -> None:
    report = contract.check("withhold Windsurf IP from Microsoft")
    assert report.verdict == "clear"
    assert outcome(report, "ip-withholding") == "not_triggered"
    assert "company is in openai-ip" in report.outcomes[0].reason


def test_model_access_expires_after_2030(contract: Contract) -> None:
    report = contract.check("build Stargate", at="2031-01-01")
    assert "model-access-expiry" in consequence_rules(report)
    assert report.state["after"].clauses["model-access-term"].status == "ended"


def test_model_access_in_force_through_2030(contract: Contract) -> None:
    report = contract.check("build Stargate", at="2030-12-31")
    assert "model-access-expiry" not in consequence_rules(report)
    assert report.state["after"].clauses["model-access-term"].status == "in_force"


def test_extension_beyond_2030_keeps_model_access(contract: Contract) -> None:
    report = contract.check(
        "extend Microsoft's model access beyond 2030 in exchange for equity",
        "2031-06-01: build Stargate",
    )
    assert "model-access-extension" in consequence_rules(report)
    assert "model-access-expiry" not in consequence_rules(report)
    after = report.state["after"]
    assert after.clauses["model-access-term"].status == "in_force"
    assert ("microsoft", "access to OpenAI's models beyond 2030") in [
        (r.party, r.right) for r in after.rights
    ]


def test_extension_not_applicable_after_agi(contract: Contract) -> None:
    report = contract.check("declare AGI", "extend Microsoft's model access beyond 2030")
    assert outcome(report, "model-access-extension") == "clause_ended"


def test_agi_ends_the_partnership(contract: Contract) -> None:
    report = contract.check("declare AGI")
    assert report.verdict == "clear"
    assert consequence_rules(report) == ["agi-ends-partnership"]
    after = report.state["after"]
    assert after.partnership == "ended"
    assert after.clauses["azure-exclusivity"].status == "ended"
    assert after.clauses["conversion-deadline"].status == "in_force"  # SoftBank's term survives


def test_agi_declared_twice_is_not_applicable_the_second_time(contract: Contract) -> None:
    report = contract.check("declare AGI", "announce AGI")
    assert consequence_rules(report) == ["agi-ends-partnership"]
    assert outcome(report, "agi-ends-partnership") == "clause_ended"


def test_conversion_needs_microsoft_consent(contract: Contract) -> None:
    report = contract.check("convert to a public benefit corporation")
    assert conflict_rules(report) == ["conversion-needs-consent"]


def test_conversion_with_consent_is_clear(contract: Contract) -> None:
    report = contract.check("Microsoft consents to the conversion", "convert to a PBC")
    assert report.verdict == "clear"
    assert outcome(report, "conversion-needs-consent") == "defeated"


def test_conversion_deadline_missed(contract: Contract) -> None:
    report = contract.check("raise funding from SoftBank", at="2026-01-15")
    assert "conversion-by-end-2025" in conflict_rules(report)
    missed = next(f for f in report.conflicts if f.rule == "conversion-by-end-2025")
    assert missed.move is None and str(missed.date) == "2026-01-01"


def test_conversion_deadline_met(contract: Contract) -> None:
    report = contract.check(
        "2025-09-01: Microsoft consents to the conversion",
        "2025-10-01: convert to a PBC",
        at="2026-02-01",
    )
    assert report.verdict == "clear"
    assert "conversion-by-end-2025" in consequence_rules(report)
    assert report.state["after"].deadlines == []


def test_softbank_funding_warns_before_conversion(contract: Contract) -> None:
    report = contract.check("raise $40B from SoftBank")
    assert report.verdict == "clear"
    assert consequence_rules(report) == ["softbank-funding-tied-to-conversion"]
    assert report.consequences[0].severity.value == "warning"


def test_softbank_funding_after_conversion_is_defeated(contract: Contract) -> None:
    report = contract.check(
        "Microsoft consents to the conversion", "convert to a PBC", "raise funding from SoftBank"
    )
    assert outcome(report, "softbank-funding-tied-to-conversion") == "defeated"


def test_ipo_before_conversion_is_blocked(contract: Contract) -> None:
    report = contract.check("go public")
    assert conflict_rules(report) == ["ipo-needs-conversion"]


def test_ipo_after_conversion_is_clear(contract: Contract) -> None:
    report = contract.check("Microsoft consents to the conversion", "convert to a PBC", "go public")
    assert report.verdict == "clear"
    assert outcome(report, "ipo-needs-conversion") == "defeated"


def test_antitrust_complaint_may_bring_a_review(contract: Contract) -> None:
    report = contract.check("file an antitrust complaint against Microsoft")
    assert consequence_rules(report) == ["antitrust-complaint-review"]
    assert report.state["after"].flags == ["federal-regulatory-review"]


def test_antitrust_complaint_against_someone_else_is_not_triggered(contract: Contract) -> None:
    report = contract.check("file an antitrust complaint against OpenAI")
    assert outcome(report, "antitrust-complaint-review") == "not_triggered"
    assert report.state["after"].flags == []


BOARD = {"agi-clause": "board"}  # the reading under which a declaration of AGI ends it


def test_agi_then_google_cloud_is_clear_and_says_why(contract: Contract) -> None:
    report = contract.check("declare AGI", "partner with Google Cloud", readings=BOARD)
    assert report.verdict == "clear"
    reason = next(o for o in report.outcomes if o.rule == "azure-exclusivity")
    assert reason.status == "clause_ended"
    assert "partnership has ended" in reason.reason


def test_google_cloud_then_agi_is_a_conflict(contract: Contract) -> None:
    report = contract.check("2025-08-01: partner with Google Cloud", "2025-09-01: declare AGI")
    assert conflict_rules(report) == ["azure-exclusivity"]


def test_timeline_runs_in_date_order(contract: Contract) -> None:
    report = contract.check(
        "2025-09-01: partner with Google Cloud", "2025-08-01: declare AGI", readings=BOARD
    )
    assert report.verdict == "clear"


def test_move_no_norm_covers_gets_a_notice(contract: Contract) -> None:
    report = contract.check("build Stargate")
    assert report.verdict == "clear"
    assert len(report.notices) == 1
    assert "says nothing" in report.notices[0].message


def test_one_move_breaking_two_norms_reports_both(contract: Contract) -> None:
    report = contract.check("convert to a PBC", at="2026-03-01")
    # the deadline passed before the move, and the move lacks consent
    assert sorted(conflict_rules(report)) == ["conversion-by-end-2025", "conversion-needs-consent"]

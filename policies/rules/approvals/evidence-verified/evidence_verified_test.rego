package tempgrant.rules.approvals.evidence_verified_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.approvals.evidence_verified

check(grant) := verdicts if {
	verdicts := evidence_verified.deny with input as {"now": fixtures.now, "grants": [grant]}
		with data.tempgrant.config as fixtures.config
}

test_no_problems_pass if {
	count(check(fixtures.grant({}))) == 0
}

test_each_problem_is_a_denial_naming_the_person if {
	grant := object.union(fixtures.grant({}), {"evidenceProblems": [
		{"person": "bob@example.com", "reason": "named in approvedBy, but no signature or approving review from them verifies over the current digest"},
		{"person": "carol@example.com", "reason": "key SHA256:abc is not in allowed_signers"},
	]})
	verdicts := check(grant)
	count(verdicts) == 2
	some v in verdicts
	v.message == "grant g1: the approval of \"carol@example.com\" does not count: key SHA256:abc is not in allowed_signers"
	v.rule == "approvals/evidence-verified"
}

test_deletions_are_never_judged if {
	grant := object.union(fixtures.grant({}), {
		"action": "delete",
		"evidenceProblems": [{"person": "bob@example.com", "reason": "x"}],
	})
	count(check(grant)) == 0
}

package tempgrant.rules.approvals.no_self_approval_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.approvals.no_self_approval

check(after) := verdicts if {
	verdicts := no_self_approval.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as fixtures.config
}

test_someone_else_approving_passes if {
	count(check({})) == 0
}

test_self_approval_in_every_spelling_is_denied if {
	every name in ["alice@example.com", "ALICE@EXAMPLE.COM", "  Alice@example.com\t", "al", "A.Smith"] {
		count(check({"approvedBy": ["bob@example.com", name]})) > 0
	}
}

test_principal_approving_a_grant_requested_for_them_is_denied if {
	verdicts := check({"requestedBy": "carol@example.com", "approvedBy": ["Alice@example.com"]})
	[v] := [v | some v in verdicts]
	v.message == "grant g1: \"Alice@example.com\" approves a grant whose principal is \"alice@example.com\"; ask someone else"
}

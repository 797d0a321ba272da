package tempgrant.rules.identity.readable_text_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.identity.readable_text

check(grant) := verdicts if {
	verdicts := readable_text.deny with input as {"now": fixtures.now, "grants": [grant]}
		with data.tempgrant.config as fixtures.config
}

test_clean_text_passes if {
	count(check(object.union(fixtures.grant({}), {"textProblems": []}))) == 0
}

test_each_problem_is_denied_naming_its_field if {
	problem := {"field": "approvedBy[0]", "message": "approvedBy[0] holds a character that cannot be seen (U+200B); write it without one"}
	[v] := [v | some v in check(object.union(fixtures.grant({}), {"textProblems": [problem]}))]
	v.rule == "identity/readable-text"
	v.message == "grant g1: approvedBy[0] holds a character that cannot be seen (U+200B); write it without one"
}

test_removed_grants_are_not_judged if {
	problem := {"field": "reason", "message": "reason holds a character that cannot be seen (U+00AD); write it without one"}
	removed := {"id": "g1", "address": "a", "action": "delete", "before": fixtures.record, "after": null, "textProblems": [problem]}
	count(check(removed)) == 0
}

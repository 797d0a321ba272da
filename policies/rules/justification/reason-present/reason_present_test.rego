package tempgrant.rules.justification.reason_present_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.justification.reason_present

check(after) := verdicts if {
	verdicts := reason_present.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as fixtures.config
}

test_reason_passes if {
	count(check({})) == 0
}

test_short_or_blank_reason_is_denied if {
	count(check({"reason": "fix"})) == 1
	count(check({"reason": "            "})) == 1
}

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

test_a_reason_of_few_letters_loaded_with_marks_is_denied if {
	count(check({"reason": "à́̂̃b̀́̂̃c̀́̂̃", "reasonLength": 3})) == 1
	count(check({"reason": "révision du rapport", "reasonLength": 19})) == 0
}

package tempgrant.rules.break_glass.reported_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.break_glass.reported

test_break_glass_is_reported if {
	warnings := reported.warn with input as {"now": fixtures.now, "grants": [fixtures.grant({"breakGlass": true})]}
	fixtures.rules(warnings) == {"break-glass/reported"}
}

test_normal_grant_is_not if {
	count(reported.warn) == 0 with input as {"now": fixtures.now, "grants": [fixtures.grant({})]}
}

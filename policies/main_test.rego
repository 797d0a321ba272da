package tempgrant.main_test

import rego.v1

import data.tempgrant.main

# The shipped bundle itself is checked in TypeScript: here the test packages sit among the rules.
test_rules_that_all_declare_per_item_may_be_checked_in_parts if {
	rules := {
		"window": {"already_expired": {"per_item": true, "deny": set()}},
		"scope": {"no_wildcard": {"per_item": true, "deny": set()}},
	}
	main.partitionable with data.tempgrant.rules as rules
}

test_a_rule_without_the_declaration_keeps_the_plan_whole if {
	rules := {
		"window": {"already_expired": {"per_item": true, "deny": set()}},
		"org": {"at_most_ten": {"deny": set()}},
	}
	not main.partitionable with data.tempgrant.rules as rules
}

test_a_declaration_other_than_true_keeps_the_plan_whole if {
	not main.partitionable with data.tempgrant.rules as {"org": {"counting": {"per_item": "yes"}}}
}

test_verdicts_collect_every_rule if {
	rules := {"a": {"one": {"deny": {"d1"}, "warn": {"w1"}}}, "b": {"two": {"deny": {"d2"}}}}
	main.verdicts == {"deny": {"d1", "d2"}, "warn": {"w1"}} with data.tempgrant.rules as rules
}

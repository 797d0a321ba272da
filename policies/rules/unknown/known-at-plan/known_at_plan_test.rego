package tempgrant.rules.unknown.known_at_plan_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.unknown.known_at_plan

check(grants, resources) := verdicts if {
	verdicts := known_at_plan.deny with input as {"now": fixtures.now, "grants": grants, "resources": resources}
		with data.tempgrant.config as fixtures.config
}

test_known_values_pass if {
	count(check([object.union(fixtures.grant({}), {"unknown": []})], [fixtures.resource({"unknownAccess": []})])) == 0
}

test_unknown_record_field_is_denied_on_every_planned_action if {
	every action in ["create", "update", "replace"] {
		grant := object.union(fixtures.grant({}), {"action": action, "after": null, "unknown": ["principal"]})
		[v] := [v | some v in check([grant], [])]
		v.message == "grant g1: principal is known only after apply; a grant record must be written literally"
	}
}

test_whole_unknown_record_is_named if {
	[v] := [v | some v in check([object.union(fixtures.grant({}), {"unknown": ["*"]})], [])]
	v.message == "grant g1: the whole value is known only after apply; a grant record must be written literally"
}

test_unknown_access_attribute_of_a_privileged_resource_is_denied if {
	[v] := [v | some v in check([], [fixtures.resource({"action": "update", "unknownAccess": ["roles"]})])]
	v.rule == "unknown/known-at-plan"
	v.message == "tempgrant_postgresql_login_role.grant_g1 (tempgrant_postgresql_login_role): roles is known only after apply; access must be decided when the plan is checked"
}

test_deletion_is_never_held_back if {
	count(check([object.union(fixtures.grant({}), {"action": "delete", "unknown": ["*"]})], [fixtures.resource({"action": "delete", "unknownAccess": ["roles"]})])) == 0
}

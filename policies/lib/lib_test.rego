package tempgrant.lib_test

import rego.v1

import data.tempgrant.lib

test_approvers_are_the_distinct_folded_names if {
	lib.approvers({"approvedBy": ["Bob", " bob"], "approverKeys": ["bob", "bob"]}) == {"bob"}
}

test_begins_at_start_or_now if {
	lib.begins({"after": {"startsAt": 500}}) == 500 with input.now as 100
	lib.begins({"after": {"startsAt": 50}}) == 100 with input.now as 100
	lib.begins({"after": {"startsAt": null}}) == 100 with input.now as 100
}

test_human if {
	lib.human(7200) == "2h"
	lib.human(90) == "1m30s"
	lib.human(120) == "2m"
	lib.human(708550) == "8d4h49m10s"
	lib.human(0) == "0s"
	lib.human(-3600) == "-1h"
	lib.human(86400 + 5) == "1d5s"
}

test_changing_skips_deletes_and_no_ops if {
	grants := [
		{"id": "a", "action": "create", "after": {}},
		{"id": "b", "action": "delete", "after": null},
		{"id": "c", "action": "no-op", "after": {}},
		{"id": "d", "action": "replace", "after": {}},
	]
	ids := {g.id | some g in lib.changing} with input.grants as grants
	ids == {"a", "d"}
}

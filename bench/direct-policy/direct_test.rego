package main_test

import rego.v1

import data.main

record(id, principal, approved_by, expires_at) := {
	"access": "read",
	"approved_by": approved_by,
	"binding": "postgresql",
	"break_glass": false,
	"expires_at": expires_at,
	"grant_id": id,
	"id": id,
	"native_expiry": true,
	"principal": principal,
	"reason": "reconcile the ledger",
	"requested_by": principal,
	"resources": [concat("", ["tempgrant_postgresql_login_role.", id])],
	"starts_at": null,
	"target": "orders-db",
	"ticket": "OPS-1",
}

grant_change(id, actions, before, after) := {
	"address": concat("", ["tempgrant_grant.", id]),
	"type": "tempgrant_grant",
	"change": {"actions": actions, "before": before, "after": after},
}

role_change(id, actions) := {
	"address": concat("", ["tempgrant_postgresql_login_role.", id]),
	"type": "tempgrant_postgresql_login_role",
	"change": {"actions": actions, "before": null, "after": {"name": id}},
}

# A small plan at 12:00 with one grant that passes and one violation of each kind.
plan := {
	"timestamp": "2026-12-02T12:00:00Z",
	"resource_changes": [
		grant_change("good", ["create"], null, record("good", "a@example.com", ["lead@example.com"], "2026-12-02T14:00:00Z")),
		role_change("good", ["create"]),
		grant_change("self", ["create"], null, record("self", "b@example.com", ["B@example.com "], "2026-12-02T14:00:00Z")),
		grant_change("none", ["create"], null, record("none", "c@example.com", [], "2026-12-02T14:00:00Z")),
		grant_change("long", ["create"], null, record("long", "d@example.com", ["lead@example.com"], "2026-12-10T12:00:00Z")),
		grant_change("unknown", ["create"], null, object.remove(record("unknown", "e@example.com", ["lead@example.com"], ""), ["expires_at"])),
		role_change("standing", ["create"]),
		grant_change("old", ["delete"], record("old", "f@example.com", ["lead@example.com"], "2026-12-02T13:00:00Z"), null),
		grant_change("renamed", ["create"], null, record("renamed", "F@example.com", ["lead@example.com"], "2026-12-02T15:00:00Z")),
		# Removing a grant (expired or not) and revoking its role is always allowed.
		grant_change("expired", ["delete"], record("expired", "g@example.com", ["lead@example.com"], "2026-12-02T11:00:00Z"), null),
		role_change("expired", ["delete"]),
	],
}

test_denies_each_violation_once if {
	found := {[v.rule, v.address] | some v in main.violations with input as plan}
	found == {
		["no-self-approval", "tempgrant_grant.self"],
		["min-approvers", "tempgrant_grant.self"],
		["min-approvers", "tempgrant_grant.none"],
		["max-duration", "tempgrant_grant.long"],
		["expiry", "tempgrant_grant.unknown"],
		["privileged-without-grant", "tempgrant_postgresql_login_role.standing"],
		["renamed-unexpired", "tempgrant_grant.renamed"],
	}
}

test_conftest_messages if {
	"max-duration: tempgrant_grant.long" in main.deny with input as plan
}

test_nothing_denied_when_the_grant_is_fine if {
	fine := object.union(plan, {"resource_changes": array.slice(plan.resource_changes, 0, 2)})
	count(main.violations) == 0 with input as fine
}

test_a_renamed_grant_that_ends_no_later_is_allowed if {
	shorter := object.union(plan, {"resource_changes": [
		plan.resource_changes[7],
		grant_change("renamed", ["create"], null, record("renamed", "f@example.com", ["lead@example.com"], "2026-12-02T13:00:00Z")),
		role_change("renamed", ["create"]),
	]})
	count(main.violations) == 0 with input as shorter
}

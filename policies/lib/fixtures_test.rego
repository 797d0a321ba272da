# METADATA
# title: test fixtures shared by the rule tests (not part of the bundle)
package tempgrant.fixtures

import rego.v1

now := 1800000000

hour := 3600

config := {
	"maxDurationSeconds": {
		"default": 24 * hour,
		"byAccess": {"read": (7 * 24) * hour, "write": 24 * hour, "admin": 2 * hour},
		"byTarget": {"orders-db": {"admin": hour}},
	},
	"reason": {"minLength": 10},
	"ticketPattern": "^[A-Z][A-Z0-9]+-[0-9]+$",
	"approvals": {
		"required": 1,
		"allowed": ["*@example.com"],
		"aliases": {"al": "alice@example.com", "a.smith": "alice@example.com"},
	},
	"breakGlass": {"maxDurationSeconds": 4 * hour},
	"scope": {"forbiddenRoles": ["roles/owner", "roles/editor", "cluster-admin"], "allow": []},
}

record := object.union(base_record, {"digest": content_digest(base_record)})

# A stand-in for the grant digest (tempgrant computes the real one): different content,
# different text.
content_digest(view) := sprintf("sha256:%s", [json.marshal(object.filter(view, ["id", "principal", "target", "access", "startsAt", "expiresAt", "reason", "ticket", "requestedBy", "breakGlass"]))])

base_record := {
	"id": "g1",
	"principal": "alice@example.com",
	"target": "orders-db",
	"access": "read",
	"startsAt": null,
	"expiresAt": now + (8 * hour),
	"expiresAtText": "2027-01-15T16:00:00Z",
	"reason": "investigate INC-42 refunds",
	"ticket": "INC-42",
	"requestedBy": "alice@example.com",
	"approvedBy": ["bob@example.com"],
	"breakGlass": false,
	"binding": "postgresql",
	"nativeExpiry": true,
	"resources": ["tempgrant_postgresql_login_role.grant_g1"],
	"accessKey": "alice@example.com|orders-db|read",
	"principalKey": "alice@example.com",
	"requestedByKey": "alice@example.com",
	"approvers": ["bob@example.com"],
	"approverKeys": ["bob@example.com"],
}

# A grant change: a created record with the fields in `after` replaced, and its names
# folded again as the plan reader folds them. Its verified approvers (`approvers`) are the
# ones asked for (`approvedBy`) unless `after` sets them: evidence is checked in TypeScript.
grant(after) := {
	"id": object.get(after, "id", "g1"),
	"address": "tempgrant_grant.grant_g1",
	"action": "create",
	"before": null,
	"after": folded(with_approvers(after)),
	"unknownExpiry": false,
	"approverNames": [fold(name) | some name in with_approvers(after).approvers],
}

with_approvers(after) := view if {
	merged := object.union(record, after)
	view := object.union(merged, {"approvers": object.get(after, "approvers", merged.approvedBy)})
}

# The folded names and digest of a record view, for ASCII names (src/plan/plan-index.ts
# folds them for real).
folded(view) := object.union(view, {
	"principalKey": fold(view.principal),
	"requestedByKey": fold(view.requestedBy),
	"approverKeys": [fold(name) | some name in view.approvers],
	"accessKey": concat("|", [fold(view.principal), view.target, view.access]),
	"digest": content_digest(view),
})

fold(name) := config.approvals.aliases[lower(trim_space(name))] if {
	config.approvals.aliases[lower(trim_space(name))]
} else := lower(trim_space(name))

# The role a record owns, with a native expiry matching it.
role := {
	"address": "tempgrant_postgresql_login_role.grant_g1",
	"type": "tempgrant_postgresql_login_role",
	"action": "create",
	"owner": "g1",
	"privileged": true,
	"unknown": [],
	"nativeExpiry": now + (8 * hour),
	"expiryBearing": true,
	"scope": {"privileges": [], "roles": ["orders_read"], "flags": []},
	"drift": [],
}

resource(overrides) := object.union(role, overrides)

# The rule ids of the verdicts of a rule set.
rules(verdicts) := {v.rule | some v in verdicts}

# METADATA
# title: the policy input, built in Rego from the plan itself (benchmark only)
# description: |
#   What tempgrant's plan reader (src/plan/) builds in TypeScript, written in Rego, so that
#   opa eval and conftest can be given the very plan files tempgrant check reads, as their
#   users would give them. Equivalent on the benchmark's plans (bench/synthetic-plan.ts):
#   the benchmark compares this document with tempgrant's before it times anything.
#   Covers records, login roles, grants and other resources; names folded for ASCII.
package bench.plan_input

import rego.v1

config := data.tempgrant.config

changes := object.get(input, "resource_changes", [])

managed := [change | some change in changes; object.get(change, "mode", "managed") == "managed"]

now := seconds(input.timestamp)

seconds(text) := time.parse_rfc3339_ns(text) / 1000000000

summarize(actions) := "replace" if {
	count(actions) == 2
	"delete" in actions
	"create" in actions
} else := actions[0] if {
	actions[0] in {"create", "update", "delete", "read", "forget"}
} else := "no-op"

record_of(value) := value.input if {
	value.input.tempgrant == "tempgrant.grant-record/v1"
} else := null

fold(name) := config.approvals.aliases[lower(trim_space(name))] if {
	config.approvals.aliases[lower(trim_space(name))]
} else := lower(trim_space(name))

epoch(record, field) := seconds(record[field]) if is_string(record[field])

else := null

optional_fields := {"id", "principal", "target", "access", "reason", "ticket", "requestedBy", "breakGlass", "binding", "nativeExpiry"}

view(record) := object.union({field: record[field] | some field in optional_fields; field in object.keys(record)}, {
	"approvedBy": approved_by(record),
	"resources": object.get(record, "resources", []),
	"startsAt": epoch(record, "startsAt"),
	"expiresAt": epoch(record, "expiresAt"),
	"expiresAtText": text_or_null(object.get(record, "expiresAt", null)),
	"accessKey": concat("|", [fold(record.principal), record.target, record.access]),
	"principalKey": fold(record.principal),
	"requestedByKey": fold(record.requestedBy),
	# Only verified approvers count, and this reader verifies no evidence: as tempgrant given none.
	"approverKeys": [],
})

text_or_null(value) := value if is_string(value)

else := null

approved_by(record) := record.approvedBy if is_array(record.approvedBy)

else := []

# The record changes, in plan order, with the record each side carries (null for none).
records := [{"change": change, "before": before, "after": after, "action": summarize(change.change.actions)} |
	some change in changes
	change.type == "terraform_data"
	before := record_of(object.get(change.change, "before", null))
	after := record_of(object.get(change.change, "after", null))
	[before, after] != [null, null]
]

grant_id(entry) := entry.after.id if entry.after != null

else := entry.before.id

owning(entry) := entry.before if entry.action == "delete"

else := entry.after if entry.after != null

else := entry.before

owner_of := {address: grant_id(entry) | some entry in records; some address in object.get(owning(entry), "resources", [])}

# The document's resources as tempgrant lays them out: each grant's own in grant order, then
# those of no grant in plan order; a grant points at its own by position.
by_address := {change.address: change | some change in managed}

owned_addresses := [address |
	some entry in records
	some address in object.get(owning(entry), "resources", [])
	by_address[address]
]

position := {address: index | some index, address in owned_addresses}

laid_out := array.concat(
	[by_address[address] | some address in owned_addresses],
	[change | some change in managed; not owner_of[change.address]],
)

grant(entry) := {
	"address": entry.change.address,
	"id": grant_id(entry),
	"action": entry.action,
	"before": view_or_null(entry.before),
	"after": after_view(entry),
	"unknownExpiry": unknown_expiry(entry),
	"owned": [position[address] | some address in object.get(owning(entry), "resources", []); position[address]],
}

view_or_null(record) := null if record == null

else := view(record)

after_view(entry) := null if entry.action == "delete"

else := view_or_null(entry.after)

unknown_expiry(entry) := false if entry.action == "delete"

else if object.get(entry.change.change, ["after_unknown", "input"], false) == true

else if object.get(entry.change.change, ["after_unknown", "input", "expiresAt"], false) == true

else if {
	entry.after != null
	epoch(entry.after, "expiresAt") == null
} else := false

# tempgrant leaves out the fields that hold their default (unknown record fields, text
# problems, widening, break-glass windows, unknown access attributes, moves, shared claims):
# none occur in the benchmark's plans, so this reader leaves them out too.
privileged(type) if {
	some pattern in data.bench.privileged_types
	glob.match(pattern, [], type)
} else := false

expiry_bearing(change) if {
	change.type == "postgresql_role"
	values(change).login == true
} else := false

values(change) := object.get(change.change, "before", null) if summarize(change.change.actions) == "delete"

else := object.get(change.change, "after", null)

strings(value) := [item | some item in value; is_string(item)] if is_array(value)

else := [value] if is_string(value)

else := []

role_flags := ["superuser", "create_role", "create_database", "bypass_row_level_security", "replication"]

scope(change) := {"privileges": [], "roles": strings(object.get(values(change), "roles", null)), "flags": [flag | some flag in role_flags; object.get(values(change), flag, false) == true]} if {
	change.type == "postgresql_role"
} else := {"privileges": strings(object.get(values(change), "privileges", null)), "roles": strings(object.get(values(change), "grant_role", null)), "flags": []} if {
	startswith(change.type, "postgresql_grant")
} else := {"privileges": [], "roles": [], "flags": []}

native_expiry(change) := time.parse_ns("2006-01-02 15:04:05-07", values(change).valid_until) / 1000000000 if {
	change.type == "postgresql_role"
	is_string(values(change).valid_until)
} else := null

unknown_paths(change) := [path_text(path) | walk(object.get(change.change, "after_unknown", {}), [path, value]); value == true]

path_text([]) := "*"

path_text(path) := concat("", [segment(index, part) | some index, part in path]) if count(path) > 0

segment(_, part) := sprintf("[%d]", [part]) if is_number(part)

segment(0, part) := part if is_string(part)

segment(index, part) := concat("", [".", part]) if {
	is_string(part)
	index > 0
}

resource(change) := {
	"address": change.address,
	"type": change.type,
	"action": summarize(change.change.actions),
	"owner": object.get(owner_of, change.address, null),
	"privileged": privileged(change.type),
	"unknown": unknown_paths(change),
	"nativeExpiry": native_expiry(change),
	"expiryBearing": expiry_bearing(change),
	"scope": scope(change),
	"drift": [],
}

removed_unexpired := {key: removed |
	some entry in records
	entry.action == "delete"
	key := view(entry.before).accessKey
	removed := [without_owned(grant(other)) |
		some other in records
		other.action == "delete"
		view(other.before).accessKey == key
		epoch(other.before, "expiresAt") > now
	]
	count(removed) > 0
}

without_owned(change) := object.remove(change, ["owned"])

# The whole input, as one document: what tempgrant's policies read as `input`.
doc := {
	"now": now,
	"grants": [grant(entry) | some entry in records],
	"resources": [resource(change) | some change in laid_out],
	"removedUnexpired": removed_unexpired,
}

# The shipped policy pack's verdicts on the document built from this plan.
verdicts := result if {
	document := doc
	result := data.tempgrant.main.verdicts with input as document
}

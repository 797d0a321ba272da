# METADATA
# title: tempgrant's main rules, written directly against the plan (benchmark peer)
# description: |
#   What a conftest or opa user would write against `tofu show -json` output, with no reader
#   to normalize it first: input.resource_changes, tempgrant_grant records as the provider
#   writes them. Covers the rules the check benchmark compares on: expiry present and within
#   the maximum duration, enough approvers and no self-approval, privileged resources owned by
#   a grant that stays, and no unexpired grant renamed to restart its clock. It reads approvers
#   by name: there is no signature verification here (tempgrant check does that work too).
#   The benchmark runs it through opa eval and conftest on the very plan files tempgrant
#   check reads, after checking it denies the same grants as tempgrant on a plan with one
#   violation of each kind.
package main

import rego.v1

# The limits tempgrant.yaml sets by default (maxDuration), in seconds.
max_seconds := {"read": 604800, "write": 86400, "admin": 7200}

default_max_seconds := 86400

# Resource types that give access (tempgrant's privilegedTypes), as globs: from data when the
# benchmark passes them, else the PostgreSQL ones.
privileged_types := data.direct.privileged_types if {
	data.direct.privileged_types
} else := ["tempgrant_postgresql_*", "postgresql_role", "postgresql_grant*"]

now := time.parse_rfc3339_ns(input.timestamp)

changing_actions := {"create", "update"}

# Grant records created, changed or replaced: the ones to judge.
grants := [change |
	some change in input.resource_changes
	change.type == "tempgrant_grant"
	some action in change.change.actions
	action in changing_actions
	change.change.after != null
]

# A grant's expiry in nanoseconds, when it is a known valid time.
expiry(values) := time.parse_rfc3339_ns(values.expires_at) if is_string(values.expires_at)

starts(values) := max({now, time.parse_rfc3339_ns(values.starts_at)}) if is_string(values.starts_at)

else := now

violations contains {"rule": "expiry", "grant": grant.change.after.grant_id, "address": grant.address} if {
	some grant in grants
	not expiry(grant.change.after)
}

violations contains {"rule": "max-duration", "grant": values.grant_id, "address": grant.address} if {
	some grant in grants
	values := grant.change.after
	not values.break_glass
	limit := object.get(max_seconds, values.access, default_max_seconds)
	expiry(values) - starts(values) > limit * 1000000000
}

fold(name) := lower(trim_space(name))

violations contains {"rule": "min-approvers", "grant": values.grant_id, "address": grant.address} if {
	some grant in grants
	values := grant.change.after
	not values.break_glass
	others := {fold(name) | some name in values.approved_by} - {fold(values.requested_by)}
	count(others) < 1
}

violations contains {"rule": "no-self-approval", "grant": values.grant_id, "address": grant.address} if {
	some grant in grants
	values := grant.change.after
	some name in values.approved_by
	fold(name) in {fold(values.requested_by), fold(values.principal)}
}

# Every address a record that stays lists. A whole set, built once: a lookup is a hash lookup
# (a partial rule looked up by key would run its body again for every resource).
owned := {address |
	some change in input.resource_changes
	change.type == "tempgrant_grant"
	change.change.after != null
	some address in change.change.after.resources
}

privileged(type) if {
	some pattern in privileged_types
	glob.match(pattern, [], type)
}

violations contains {"rule": "privileged-without-grant", "grant": null, "address": change.address} if {
	some change in input.resource_changes
	some action in change.change.actions
	action in changing_actions
	privileged(change.type)
	not change.address in owned
}

access_key(values) := concat("|", [fold(values.principal), values.target, values.access])

# Grants removed before they expire: the access they gave and when they would have ended.
removed := [[access_key(before), expires] |
	some change in input.resource_changes
	change.type == "tempgrant_grant"
	change.change.actions == ["delete"]
	before := change.change.before
	expires := expiry(before)
	expires > now
]

# By access, the earliest end among them: a new grant for that access ending later extends one.
earliest_removed_end := {key: min([expires | some [other, expires] in removed; other == key]) | some [key, _] in removed}

violations contains {"rule": "renamed-unexpired", "grant": values.grant_id, "address": grant.address} if {
	some grant in grants
	grant.change.actions == ["create"]
	values := grant.change.after
	expiry(values) > earliest_removed_end[access_key(values)]
}

# conftest's messages: one line per violation.
deny contains sprintf("%s: %s", [violation.rule, violation.address]) if some violation in violations

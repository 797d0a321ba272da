# METADATA
# title: shared helpers of the tempgrant rules
package tempgrant.lib

import rego.v1

# The configuration (tempgrant.yaml), with every default filled in by tempgrant.
config := data.tempgrant.config

# A verdict: which rule, which grant, which resource, and what a person should do.
violation(rule, grant, address, message) := {
	"rule": rule,
	"grant": grant,
	"address": address,
	"message": message,
}

# Grants this plan creates or changes: the ones that need checking. Deleting access
# (revocation) is always allowed. An array, not a set: the WASM runtime would hash every
# grant object to build a set.
changing := [grant |
	some grant in input.grants
	grant.action in {"create", "update", "replace"}
	grant.after != null
]

# When a grant's access begins: its start, or now when it has none (or it has passed).
begins(grant) := max({grant.after.startsAt, input.now}) if {
	grant.after.startsAt != null
} else := input.now

# How long a grant gives access from its beginning, in seconds.
duration(grant) := grant.after.expiresAt - begins(grant)

# The distinct approvers of a grant view. Names arrive folded (lower case, no surrounding
# blanks, aliases resolved) as approverKeys, principalKey and requestedByKey: the plan reader
# folds every name once, so that no two comparisons fold differently.
approvers(view) := {key | some key in view.approverKeys}

# Renders seconds for messages as people write durations, largest unit first: 8d4h49m10s,
# 2h, 1m30s. The same text as formatDuration in src/grant/duration.ts, which the CLI uses.
human(seconds) := "0s" if {
	seconds == 0
} else := concat("", ["-", duration_units(0 - seconds)]) if {
	seconds < 0
} else := duration_units(seconds)

# Days, hours, minutes and seconds of a positive number of seconds, leaving out zeros: each
# unit counts what is left below the next larger one (`below`; 0 for days, which take all).
duration_units(seconds) := concat("", [sprintf("%d%s", [count, unit]) |
	some [unit, size, below] in [["d", 86400, 0], ["h", 3600, 86400], ["m", 60, 3600], ["s", 1, 60]]
	count := floor(remainder_below(seconds, below) / size)
	count > 0
])

remainder_below(seconds, 0) := seconds

remainder_below(seconds, below) := seconds % below if below > 0

# What identifies "the same access" across a rename; tempgrant folds the principal the
# same way when it indexes removed grants (input.removedUnexpired).
# The resource changes a grant owns: grant.owned holds their indexes in input.resources, so
# each resource is sent to the policy once.
owned(grant) := [input.resources[index] | some index in grant.owned]

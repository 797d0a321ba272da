# METADATA
# title: Duration within the limit for the target and access
# description: |
#   A grant lasts at most the configured maximum for its target and access level
#   (maxDurationSeconds.byTarget, then byAccess, then default), counted from its start or
#   from now, whichever is later.
# custom:
#   id: duration/max-duration
#   severity: deny
package tempgrant.rules.duration.max_duration

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

# The most specific limit: for the target and access, for the access, or the default.
limit(grant) := seconds if {
	seconds := lib.config.maxDurationSeconds.byTarget[grant.after.target][grant.after.access]
} else := seconds if {
	seconds := lib.config.maxDurationSeconds.byAccess[grant.after.access]
} else := lib.config.maxDurationSeconds["default"]

deny contains lib.violation("duration/max-duration", grant.id, grant.address, message) if {
	some grant in lib.changing
	not grant.after.breakGlass
	grant.after.expiresAt != null
	lib.duration(grant) > limit(grant)
	message := sprintf(
		"grant %s: %s access to %s for %s is longer than the %s allowed; shorten expiresAt or split the work",
		[grant.id, grant.after.access, grant.after.target, lib.human(lib.duration(grant)), lib.human(limit(grant))],
	)
}

# METADATA
# title: No grant that has already expired
# description: |
#   Creating (or changing) a grant whose expiry is not after now would give access that
#   should not exist; it usually means a stale synth or a typo in the year.
# custom:
#   id: window/already-expired
#   severity: deny
package tempgrant.rules.window.already_expired

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("window/already-expired", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.expiresAt != null
	grant.after.expiresAt <= input.now
	message := sprintf("grant %s expired at %s, before this plan: synthesize again at the current time or fix the date", [grant.id, grant.after.expiresAtText])
}

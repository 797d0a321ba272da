# METADATA
# title: An extension needs fresh approval
# description: |
#   Moving a grant's expiry later is a new grant: it needs an approver who did not approve
#   the old window. That holds in place (the record's expiresAt is updated) and when the
#   grant is renamed to restart its clock (an unexpired record removed and a record for the
#   same principal, target and access created, ending later).
# custom:
#   id: extension/fresh-approval
#   severity: deny
package tempgrant.rules.extension.fresh_approval

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("extension/fresh-approval", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.before != null
	extends(grant.before, grant.after)
	not fresh(grant.before, grant.after)
	message := sprintf("grant %s moves its expiry from %s to %s without a new approver: an extension is a new grant", [grant.id, grant.before.expiresAtText, grant.after.expiresAtText])
}

deny contains lib.violation("extension/fresh-approval", created.id, created.address, message) if {
	count(input.removedUnexpired) > 0
	some created in lib.changing
	created.action == "create"
	some removed in input.removedUnexpired[created.after.accessKey]
	extends(removed.before, created.after)
	not fresh(removed.before, created.after)
	message := sprintf("grant %s replaces unexpired grant %s and ends later, without a new approver: renaming does not restart the clock", [created.id, removed.id])
}

extends(before, after) if after.expiresAt > before.expiresAt

fresh(before, after) if count(lib.approvers(after) - lib.approvers(before)) > 0

# METADATA
# title: An extension needs fresh approval
# description: |
#   Widening a grant is a new grant: it needs approval over its new content (a verified
#   approver whose evidence is over the new digest; the same person may approve again).
#   Widening is a later expiry, in place (the record's expiresAt is updated) or by renaming
#   the grant to restart its clock (an unexpired record removed and a record for the same
#   principal, target and access created, ending later); another principal, a raised access
#   level, another target, an earlier start, more resources, or the record re-declared
#   under another grant's id; and any of its resources given more access in place (more
#   privileges, roles or flags, a later native expiry, any other access attribute changed).
#   A resource widened while its record stays the same is denied outright.
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
	message := sprintf("grant %s moves its expiry from %s to %s without an approval over its new content: an extension is a new grant", [grant.id, grant.before.expiresAtText, grant.after.expiresAtText])
}

deny contains lib.violation("extension/fresh-approval", created.id, created.address, message) if {
	count(input.removedUnexpired) > 0
	some created in lib.changing
	created.action == "create"
	some removed in input.removedUnexpired[created.after.accessKey]
	extends(removed.before, created.after)
	not fresh(removed.before, created.after)
	message := sprintf("grant %s replaces unexpired grant %s and ends later, without an approval over its new content: renaming does not restart the clock", [created.id, removed.id])
}

deny contains lib.violation("extension/fresh-approval", grant.id, grant.address, message) if {
	some grant in lib.changing

	# widens and predecessor are left out when empty (the plan reader omits defaults).
	widens := grant.widens
	count(widens) > 0
	predecessor := grant.predecessor
	predecessor != null
	not fresh_over(predecessor, grant.after)
	message := sprintf("grant %s widens %s over grant %s without an approval over its new content: widening is a new grant", [grant.id, concat("; ", widens), predecessor.id])
}

deny contains lib.violation("extension/fresh-approval", grant.id, resource.address, message) if {
	# Resources first: few are widened, so the grant is looked up only for those.
	some index, resource in input.resources
	widened := resource.widened
	count(widened) > 0
	some grant in input.grants
	grant.action != "delete"
	index in grant.owned
	not approved_change(grant)
	message := sprintf("%s of grant %s gains %s while its grant is not approved again: widening access needs a fresh approval on the grant", [resource.address, grant.id, concat(", ", widened)])
}

# The grant itself is changed, with approval over its new content, or it is a new grant (its
# approvals are for what it holds now).
approved_change(grant) if {
	grant.action in {"create", "update", "replace"}
	grant.after != null
	predecessor := grant.predecessor
	predecessor != null
	fresh_over(predecessor, grant.after)
}

approved_change(grant) if {
	grant.action == "create"
	grant.after != null
	not has_predecessor(grant)
}

has_predecessor(grant) if {
	grant.predecessor != null
}

# Verified approvers of `after` hold evidence over its digest; that is fresh only when the
# content changed (a different digest): evidence over unchanged content approves nothing new.
fresh_over(predecessor, after) if {
	count(lib.approvers(after)) > 0
	predecessor.digest != after.digest
}

extends(before, after) if after.expiresAt > before.expiresAt

fresh(before, after) if {
	count(lib.approvers(after)) > 0
	before.digest != after.digest
}

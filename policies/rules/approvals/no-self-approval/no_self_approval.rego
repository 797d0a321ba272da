# METADATA
# title: No self-approval
# description: |
#   The requester (or the principal) never approves their own grant. Only verified approvers
#   are judged (evidence over the grant's digest); names are compared after folding case,
#   blanks, the configured aliases (approvals.aliases) and look-alike characters.
# custom:
#   id: approvals/no-self-approval
#   severity: deny
package tempgrant.rules.approvals.no_self_approval

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("approvals/no-self-approval", grant.id, grant.address, message) if {
	some grant in lib.changing
	some index, name in grant.after.approvers
	some role, key in {"requester": grant.after.requestedByKey, "principal": grant.after.principalKey}
	grant.after.approverKeys[index] == key
	person := {"requester": grant.after.requestedBy, "principal": grant.after.principal}[role]
	message := sprintf("grant %s: \"%s\" approves a grant whose %s is \"%s\"; ask someone else", [grant.id, name, role, person])
}

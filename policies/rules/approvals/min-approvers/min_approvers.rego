# METADATA
# title: Enough approvers
# description: |
#   A grant (other than break-glass) has at least approvals.required distinct verified
#   approvers (signatures or reviews over its current digest), not counting the requester,
#   after case, blanks, aliases and look-alikes are folded.
# custom:
#   id: approvals/min-approvers
#   severity: deny
package tempgrant.rules.approvals.min_approvers

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("approvals/min-approvers", grant.id, grant.address, message) if {
	some grant in lib.changing
	not grant.after.breakGlass
	others := lib.approvers(grant.after) - {grant.after.requestedByKey}
	count(others) < lib.config.approvals.required
	message := sprintf("grant %s has %d verified approver(s) other than the requester; %d required", [grant.id, count(others), lib.config.approvals.required])
}

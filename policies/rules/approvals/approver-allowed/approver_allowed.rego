# METADATA
# title: Approvers from the allowed list
# description: |
#   When approvals.allowed is set, every verified approver matches one of its globs
#   (for example *@sre.example.com, or an exact name).
# custom:
#   id: approvals/approver-allowed
#   severity: deny
package tempgrant.rules.approvals.approver_allowed

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("approvals/approver-allowed", grant.id, grant.address, message) if {
	some grant in lib.changing
	count(lib.config.approvals.allowed) > 0
	some index, name in grant.after.approvers
	not allowed(approver_names(grant)[index])
	message := sprintf("grant %s: \"%s\" may not approve grants (allowed: %s)", [grant.id, name, concat(", ", lib.config.approvals.allowed)])
}

# Left out when equal to the approver keys (no look-alikes merged).
approver_names(grant) := grant.approverNames if grant.approverNames

else := grant.after.approverKeys

allowed(name) if {
	some pattern in patterns
	glob.match(pattern, [], name)
}

# Lower case once per evaluation, not once per approver: names arrive folded (approverNames:
# NFKC, case, blanks, aliases; approverKeys also merge look-alikes, which globs must not see;
# approverNames is left out when it equals approverKeys).
patterns := {lower(pattern) | some pattern in lib.config.approvals.allowed}

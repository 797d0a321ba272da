# METADATA
# title: Admin access needs two approvers
# description: |
#   An example of an organisation's own rule: a grant of admin access needs two approvers
#   other than the requester and the principal. Break-glass grants are left to the
#   shipped break-glass rules.
# custom:
#   id: org/admin-two-approvers
#   severity: deny
package tempgrant.rules.org.admin_two_approvers

import rego.v1

import data.tempgrant.lib

# Judges one grant at a time: large plans may be checked in parts.
per_item := true

deny contains lib.violation("org/admin-two-approvers", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.access == "admin"
	not grant.after.breakGlass
	others := lib.approvers(grant.after) - {grant.after.requestedByKey, grant.after.principalKey}
	count(others) < 2
	message := sprintf("grant %s: admin access needs two approvers other than the requester and the principal (it has %d)", [grant.id, count(others)])
}

# METADATA
# title: No access changed by hand
# description: |
#   A privileged resource whose access-relevant attributes were changed outside tempgrant
#   since the last apply (a SUPERUSER added, VALID UNTIL moved to infinity, a membership
#   granted by hand: the plan's refresh finds it) is denied, whatever the plan would do
#   with it: someone widened access without a grant, and that needs a person to look.
#   Revocation is never held back: the sweep still removes expired grants.
# custom:
#   id: drift/outside-tempgrant
#   severity: deny
package tempgrant.rules.drift.outside_tempgrant

import rego.v1

import data.tempgrant.lib

# Judges one resource at a time: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("drift/outside-tempgrant", resource.owner, resource.address, message) if {
	some resource in input.resources
	resource.privileged
	count(resource.drift) > 0
	resource.action != "delete"
	message := sprintf("%s: %s changed outside tempgrant since the last apply; find out who changed it and why, then revoke the grant or restore the access it declares", [resource.address, concat(", ", resource.drift)])
}

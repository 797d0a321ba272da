# METADATA
# title: A record lists only resources beside it
# description: |
#   A grant record created or changed lists only addresses this plan holds for it alone: an
#   address it does not create or keep (a typo, another grant's resource, an instance that
#   is not there) is refused, naming the addresses, so that a record never claims access it
#   does not carry.
# custom:
#   id: unmanaged/listed-in-plan
#   severity: deny
package tempgrant.rules.unmanaged.listed_in_plan

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time: see
# data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("unmanaged/listed-in-plan", grant.id, grant.address, message) if {
	some grant in lib.changing
	missing := grant.missingResources
	count(missing) > 0
	message := sprintf("grant %s lists %s, which this plan does not create or keep for it: a record lists only the resources beside it", [grant.id, concat(", ", missing)])
}

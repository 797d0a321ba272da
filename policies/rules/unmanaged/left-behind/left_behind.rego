# METADATA
# title: A grant's access goes with its record
# description: |
#   Every resource a grant record listed before the plan is destroyed by the plan or listed by
#   a record that stays. A record deleted, forgotten or edited to drop an address while the
#   resource itself stays (unchanged, forgotten, or left out of a targeted plan) is refused,
#   naming the addresses: that access would outlive its grant with nothing to revoke it. A
#   record that tofu would forget (a removed block with destroy = false, or a replacement
#   under lifecycle destroy = false) is refused too: nothing would judge or revoke it after.
# custom:
#   id: unmanaged/left-behind
#   severity: deny
package tempgrant.rules.unmanaged.left_behind

import rego.v1

import data.tempgrant.lib

per_item := true

deny contains lib.violation("unmanaged/left-behind", grant.id, grant.address, message) if {
	some grant in input.grants
	left := grant.leftBehind
	count(left) > 0
	message := sprintf("grant %s listed %s, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record", [grant.id, concat(", ", left)])
}

deny contains lib.violation("unmanaged/left-behind", grant.id, grant.address, message) if {
	some grant in input.grants
	grant.action == "forget"
	message := sprintf("the record of grant %s would be forgotten by tofu (removed with destroy = false, or replaced under lifecycle destroy = false): nothing would judge or revoke the grant after it; destroy the record instead", [grant.id])
}

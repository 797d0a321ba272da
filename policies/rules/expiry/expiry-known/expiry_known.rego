# METADATA
# title: Expiry known at plan time
# description: |
#   Every grant created or changed has an expiry that is a valid timestamp known when the
#   plan is made. An expiry computed during apply could be anything, so it fails closed.
# custom:
#   id: expiry/expiry-known
#   severity: deny
package tempgrant.rules.expiry.expiry_known

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("expiry/expiry-known", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.unknownExpiry
	message := sprintf("grant %s: its expiry is unknown at plan time; set expiresAt to a literal RFC 3339 time", [grant.id])
}

deny contains lib.violation("expiry/expiry-known", grant.id, grant.address, message) if {
	some grant in lib.changing
	not grant.unknownExpiry
	grant.after.expiresAt == null
	message := sprintf("grant %s: expiresAt %s is not a valid RFC 3339 time with a zone", [grant.id, grant.after.expiresAtText])
}

# METADATA
# title: Native expiry matches the record
# description: |
#   Where the target supports native expiry (the record says nativeExpiry, and always for the
#   AWS, GCP and PostgreSQL bindings, whatever the record says), each resource
#   of the grant that can carry one (a login role's VALID UNTIL, an AWS managed or inline
#   policy's DateLessThan aws:CurrentTime on every Allow statement, a GCP member's, binding's
#   or policy_data binding's request.time condition in the form tempgrant writes) carries
#   exactly the record's expiry: the second lock. A statement or binding without one, or in
#   another form, means no native expiry.
# custom:
#   id: native-expiry/matches-record
#   severity: deny
package tempgrant.rules.native_expiry.matches_record

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("native-expiry/matches-record", grant.id, resource.address, message) if {
	some grant in lib.changing
	native_expiry_required(grant)
	grant.after.expiresAt != null
	some resource in lib.owned(grant)
	resource.expiryBearing
	resource.action != "delete"
	resource.nativeExpiry != grant.after.expiresAt
	message := sprintf("%s of grant %s: %s, not the record's expiry %s", [resource.address, grant.id, describe(resource, grant), grant.after.expiresAtText])
}

describe(resource, grant) := "it has no native expiry" if {
	resource.nativeExpiry == null
} else := sprintf("its native expiry is %s later", [lib.human(resource.nativeExpiry - grant.after.expiresAt)]) if {
	resource.nativeExpiry > grant.after.expiresAt
} else := "its native expiry is earlier"

native_expiry_required(grant) if grant.after.nativeExpiry

# The built-in bindings write the expiry into every resource that can carry one: the AWS and
# GCP policies and conditions, and the PostgreSQL login role's VALID UNTIL (membership mode
# creates no login role). The record's nativeExpiry flag is not part of what approvers sign,
# so a record of theirs saying false does not switch the lock off.
native_expiry_required(grant) if grant.after.binding in {"aws-iam", "gcp-iam", "postgresql"}

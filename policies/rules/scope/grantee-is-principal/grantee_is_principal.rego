# METADATA
# title: A grant's resources give access to its principal only
# description: |
#   Approvers sign the grant record (its principal, target, access, expiry), not the resources
#   it owns. So every resource a grant creates or changes gives its access to the record's
#   principal and no one else, compared without case after trimming, as the target's binding
#   writes it: a GCP member `user:<principal>` (or the principal as written when it has a
#   kind, `serviceAccount:ci@…`), a Kubernetes binding subject named so, an AWS policy
#   attachment, inline policy or group membership of the user or role of that name. A GCP `group:`,
#   `domain:` or `principalSet://` member keeps its kind, so it is never a person's principal
#   (only a principal written with that kind, as the binding writes it); an AWS group keeps a
#   `group:` kind no IAM name holds; a Kubernetes Group or ServiceAccount subject passes only
#   when named as the principal. PostgreSQL memberships are not read (the binding maps
#   the principal to a role with principalRole, code the plan does not show). A tempgrant login role names no grantee (its credential is in the record's
#   digest); AWS SSO account assignments name an Identity Store id and are not read.
# custom:
#   id: scope/grantee-is-principal
#   severity: deny
package tempgrant.rules.scope.grantee_is_principal

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) at a time: see
# data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("scope/grantee-is-principal", grant.id, resource.address, message) if {
	some grant in lib.changing
	some resource in lib.owned(grant)
	resource.action != "delete"
	some grantee in object.get(resource, "grantees", [])
	not same_name(grantee, grant.after.principal)
	message := sprintf("%s of grant %s gives access to \"%s\", not to the grant's principal %s: a grant's access goes to the person approved", [resource.address, grant.id, grantee, grant.after.principal])
}

# Names as the targets compare them: without case, after trimming.
same_name(grantee, principal) if {
	is_string(grantee)
	is_string(principal)
	lower(trim_space(grantee)) == lower(trim_space(principal))
}

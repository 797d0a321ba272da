# METADATA
# title: Approvals are verified evidence
# description: |
#   Every person named in approvedBy, and every signature filed for the grant, has evidence
#   that verifies over the grant's current digest: an SSH signature (namespace
#   tempgrant-grant) by a key the allowed-signers file lists for that person and valid now,
#   or an approving pull-request review of the head commit by a mapped GitHub account other
#   than the author. A typed name, a signature over other content, an unknown or expired
#   key, another namespace, or a review of an older commit is denied, naming the person.
# custom:
#   id: approvals/evidence-verified
#   severity: deny
package tempgrant.rules.approvals.evidence_verified

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("approvals/evidence-verified", grant.id, grant.address, message) if {
	some grant in lib.changing

	# Left out when empty (the plan reader omits defaults).
	some problem in grant.evidenceProblems
	message := sprintf("grant %s: the approval of \"%s\" does not count: %s", [grant.id, problem.person, problem.reason])
}

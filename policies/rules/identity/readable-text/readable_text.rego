# METADATA
# title: Names and reasons a reviewer can read
# description: |
#   The principal, requester, approvers, reason and ticket of a grant hold no character that
#   cannot be seen (zero-width spaces and joiners, U+2060..U+2064, U+FEFF, the soft hyphen,
#   bidi controls, other control and default-ignorable characters); names are not blank and
#   hold no glob character (*, ? or [); blank glyphs, spaces inside names and stray combining
#   marks are refused too. Read in TypeScript (src/grant/identity.ts), the one place that
#   decides when two names are the same person. A record's target and access level are names
#   of letters, digits, '.', '_' and '-', as grants.schema.json writes them.
# custom:
#   id: identity/readable-text
#   severity: deny
package tempgrant.rules.identity.readable_text

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time: see
# data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("identity/readable-text", grant.id, grant.address, message) if {
	# Left out of a grant when it has none (the plan reader omits defaults): a lookup, not a default.
	some grant in lib.changing
	some problem in grant.textProblems
	message := sprintf("grant %s: %s", [grant.id, problem.message])
}

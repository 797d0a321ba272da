# METADATA
# title: A reason a reviewer can judge
# description: |
#   Every grant says why, in at least reason.minLength characters (blanks excluded).
# custom:
#   id: justification/reason-present
#   severity: deny
package tempgrant.rules.justification.reason_present

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("justification/reason-present", grant.id, grant.address, message) if {
	some grant in lib.changing
	reason_length(grant.after) < lib.config.reason.minLength
	message := sprintf("grant %s: the reason must say why in at least %d characters", [grant.id, lib.config.reason.minLength])
}

# As a reader counts: the plan reader gives the length without combining marks for a reason
# that is not plain ASCII (each mark rides on the letter before it).
reason_length(view) := view.reasonLength

reason_length(view) := count(trim_space(object.get(view, "reason", ""))) if not view.reasonLength

# METADATA
# title: Break-glass is always reported
# description: |
#   Every break-glass grant created or changed is reported as a warning, so it is reviewed
#   after the fact even when it passes.
# custom:
#   id: break-glass/reported
#   severity: warn
package tempgrant.rules.break_glass.reported

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

warn contains lib.violation("break-glass/reported", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.breakGlass
	message := sprintf("break-glass grant %s for %s on %s (%s): review it after the incident", [grant.id, grant.after.principal, grant.after.target, grant.after.reason])
}

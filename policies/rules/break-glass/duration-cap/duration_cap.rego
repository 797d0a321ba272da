# METADATA
# title: Break-glass only for a short time
# description: |
#   Break-glass access skips approval, so it is capped at breakGlass.maxDurationSeconds.
#   Break-glass grants of one person on one target that overlap or follow each other
#   without a gap count as one window against the cap. A grant already running with no
#   recorded start may have run for the whole cap: a window that ends after it is refused.
# custom:
#   id: break-glass/duration-cap
#   severity: deny
package tempgrant.rules.break_glass.duration_cap

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("break-glass/duration-cap", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.breakGlass
	grant.after.expiresAt != null
	lib.duration(grant) > lib.config.breakGlass.maxDurationSeconds
	message := sprintf("break-glass grant %s lasts %s; break-glass is capped at %s: shorten it or get it approved", [grant.id, lib.human(lib.duration(grant)), lib.human(lib.config.breakGlass.maxDurationSeconds)])
}

deny contains lib.violation("break-glass/duration-cap", grant.id, grant.address, message) if {
	some grant in lib.changing
	span := grant.breakGlassSpan
	span != null
	grant.after.breakGlass
	span > lib.config.breakGlass.maxDurationSeconds
	message := sprintf("break-glass grant %s joins %s of %s on %s into one window of %s; break-glass is capped at %s: get it approved", [grant.id, concat(", ", grant.breakGlassWith), grant.after.principal, grant.after.target, lib.human(span), lib.human(lib.config.breakGlass.maxDurationSeconds)])
}

deny contains lib.violation("break-glass/duration-cap", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.breakGlass
	beyond := grant.breakGlassBeyond
	beyond.seconds > 0
	message := sprintf("break-glass grant %s joins %s of %s on %s, running with no recorded start, and keeps the window open %s after it ends; it may already have run for the whole cap of %s: give the running grant its startsAt, or get this one approved", [grant.id, beyond.id, grant.after.principal, grant.after.target, lib.human(beyond.seconds), lib.human(lib.config.breakGlass.maxDurationSeconds)])
}

# METADATA
# title: No grant before its start
# description: |
#   A grant is synthesized only from its start. Creating one that starts later means the
#   synth clock was wrong: the access would begin early.
# custom:
#   id: window/not-yet-started
#   severity: deny
package tempgrant.rules.window.not_yet_started

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("window/not-yet-started", grant.id, grant.address, message) if {
	some grant in lib.changing
	grant.after.startsAt != null
	grant.after.startsAt > input.now
	message := sprintf("grant %s starts in %s: it must not be created before its start (check the --now of the synth)", [grant.id, lib.human(grant.after.startsAt - input.now)])
}

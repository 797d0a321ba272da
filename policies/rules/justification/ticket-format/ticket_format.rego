# METADATA
# title: A ticket in the configured format
# description: |
#   Every grant names a change or incident ticket matching ticketPattern, so the access can
#   be traced to the work that needed it.
# custom:
#   id: justification/ticket-format
#   severity: deny
package tempgrant.rules.justification.ticket_format

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("justification/ticket-format", grant.id, grant.address, message) if {
	some grant in lib.changing
	not is_string(object.get(grant.after, "ticket", null))
	message := sprintf("grant %s has no ticket: add one matching %s", [grant.id, lib.config.ticketPattern])
}

deny contains lib.violation("justification/ticket-format", grant.id, grant.address, message) if {
	some grant in lib.changing
	ticket := object.get(grant.after, "ticket", null)
	is_string(ticket)
	not regex.match(lib.config.ticketPattern, ticket)
	message := sprintf("grant %s: ticket \"%s\" does not match %s", [grant.id, ticket, lib.config.ticketPattern])
}

package tempgrant.rules.justification.ticket_format_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.justification.ticket_format

check(grant) := verdicts if {
	verdicts := ticket_format.deny with input as {"now": fixtures.now, "grants": [grant]}
		with data.tempgrant.config as fixtures.config
}

test_ticket_passes if {
	count(check(fixtures.grant({}))) == 0
}

test_missing_ticket_is_denied if {
	g := fixtures.grant({})
	without := object.union(object.remove(g, ["after"]), {"after": object.remove(g.after, ["ticket"])})
	[v] := [v | some v in check(without)]
	v.message == "grant g1 has no ticket: add one matching ^[A-Z][A-Z0-9]+-[0-9]+$"
}

test_null_ticket_is_denied if {
	count(check(fixtures.grant({"ticket": null}))) == 1
}

test_badly_formed_ticket_is_denied if {
	[v] := [v | some v in check(fixtures.grant({"ticket": "see slack"}))]
	v.message == "grant g1: ticket \"see slack\" does not match ^[A-Z][A-Z0-9]+-[0-9]+$"
}

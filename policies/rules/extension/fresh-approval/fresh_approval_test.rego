package tempgrant.rules.extension.fresh_approval_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.extension.fresh_approval

later := fixtures.record.expiresAt + (4 * fixtures.hour)

update(after) := object.union(fixtures.grant(after), {"action": "update", "before": fixtures.record})

# The input tempgrant builds: removed unexpired grants indexed by access key.
check(grants) := verdicts if {
	removed := {key: [g | some g in grants; g.action == "delete"; g.before.expiresAt > fixtures.now; g.before.accessKey == key] |
		some g0 in grants
		g0.action == "delete"
		key := g0.before.accessKey
	}
	verdicts := fresh_approval.deny with input as {"now": fixtures.now, "grants": grants, "removedUnexpired": removed}
		with data.tempgrant.config as fixtures.config
}

test_extension_without_evidence_over_the_new_content_is_denied if {
	[v] := [v | some v in check([update({"expiresAt": later, "expiresAtText": "later", "approvers": []})])]
	v.message == "grant g1 moves its expiry from 2027-01-15T16:00:00Z to later without an approval over its new content: an extension is a new grant"
}

test_extension_approved_again_by_the_same_approver_passes if {
	# Bob's evidence is over the new digest (tempgrant only lists verified approvers).
	count(check([update({"expiresAt": later})])) == 0
}

test_extension_with_a_new_approver_passes if {
	count(check([update({"expiresAt": later, "approvedBy": ["bob@example.com", "dan@example.com"]})])) == 0
}

test_shortening_passes if {
	count(check([update({"expiresAt": fixtures.now + 60})])) == 0
}

test_renaming_to_restart_the_clock_is_denied if {
	removed := {"id": "g1", "address": "tempgrant_grant.grant_g1", "action": "delete", "before": fixtures.record, "after": null, "unknownExpiry": false}
	created := object.union(fixtures.grant({"id": "g1-again", "expiresAt": later, "approvers": []}), {"address": "tempgrant_grant.grant_g1_again"})
	[v] := [v | some v in check([removed, created])]
	v.message == "grant g1-again replaces unexpired grant g1 and ends later, without an approval over its new content: renaming does not restart the clock"
}

test_replacing_an_expired_grant_is_a_new_grant if {
	old := object.union(fixtures.record, {"expiresAt": fixtures.now - 1})
	removed := {"id": "g1", "address": "tempgrant_grant.grant_g1", "action": "delete", "before": old, "after": null, "unknownExpiry": false}
	created := fixtures.grant({"id": "g2"})
	count(check([removed, created])) == 0
}

widening(after, extra) := object.union(update(after), object.union({"predecessor": {"id": "g1", "approverKeys": [], "digest": fixtures.record.digest}}, extra))

test_widening_without_evidence_over_the_new_content_is_denied if {
	grant := widening({"access": "admin", "approvers": []}, {"widens": ["access read -> admin"]})
	[v] := [v | some v in check([grant])]
	v.message == "grant g1 widens access read -> admin over grant g1 without an approval over its new content: widening is a new grant"
}

test_widening_with_unchanged_content_is_denied_even_with_evidence if {
	# More resources under the same digest: the evidence approves the old content only.
	grant := widening({}, {"widens": ["resources x"]})
	[v] := [v | some v in check([grant])]
	v.rule == "extension/fresh-approval"
}

test_widening_with_a_new_approver_passes if {
	count(check([widening({"access": "admin", "approvedBy": ["bob@example.com", "dan@example.com"]}, {"widens": ["access read -> admin"]})])) == 0
}

check_owned(grant, resources) := verdicts if {
	verdicts := fresh_approval.deny with input as {"now": fixtures.now, "grants": [grant], "resources": resources, "removedUnexpired": {}}
		with data.tempgrant.config as fixtures.config
}

test_resource_widened_under_an_unchanged_record_is_denied if {
	grant := object.union(fixtures.grant({}), {"action": "no-op", "before": fixtures.record, "owned": [0], "predecessor": null})
	role := fixtures.resource({"action": "update", "widened": ["flag superuser"]})
	[v] := [v | some v in check_owned(grant, [role])]
	v.message == "tempgrant_postgresql_login_role.grant_g1 of grant g1 gains flag superuser while its grant is not approved again: widening access needs a fresh approval on the grant"
}

test_resource_widened_with_a_freshly_approved_record_passes if {
	grant := object.union(widening({"expiresAt": later, "approvedBy": ["dan@example.com"]}, {"widens": []}), {"owned": [0]})
	role := fixtures.resource({"action": "update", "widened": ["valid_until later"]})
	count(check_owned(grant, [role])) == 0
}

package tempgrant.rules.scope.no_wildcard_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.scope.no_wildcard

check(scope) := verdicts if {
	r := fixtures.resource({"scope": object.union({"privileges": [], "roles": [], "flags": []}, scope)})
	verdicts := no_wildcard.deny with input as {"now": fixtures.now, "grants": [], "resources": [r]}
		with data.tempgrant.config as fixtures.config
}

test_narrow_access_passes if {
	count(check({"privileges": ["SELECT"], "roles": ["orders_read"]})) == 0
}

test_every_spelling_of_everything_is_denied if {
	every privilege in ["*", "iam:*", "ALL", "all", " All  Privileges ", "ALL PRIVILEGES", "s3:Get*", "iam:?", "iam:??", "???:CreateAccessKey"] {
		count(check({"privileges": [privilege]})) == 1
	}
}

test_superuser_and_forbidden_roles_are_denied if {
	count(check({"flags": ["superuser"]})) == 1
	count(check({"roles": ["Cluster-Admin"]})) == 1
	count(check({"roles": ["roles/owner"]})) == 1
}

test_a_gcp_custom_role_named_as_a_forbidden_one_is_denied if {
	every role in ["projects/p/roles/owner", "organizations/1/roles/Editor", " projects/p/roles/OWNER"] {
		count(check({"roles": [role]})) == 1
	}
	every role in ["projects/p/roles/orders_read", "projects/p/roles/admin", "folders/f/roles/owner", "projects/p/roles/owner/x"] {
		count(check({"roles": [role]})) == 0
	}
}

test_allow_list_exempts if {
	r := fixtures.resource({"scope": {"privileges": ["ALL"], "roles": [], "flags": []}})
	verdicts := no_wildcard.deny with input as {"now": fixtures.now, "grants": [], "resources": [r]}
		with data.tempgrant.config as object.union(fixtures.config, {"scope": {"allow": ["tempgrant_postgresql_login_role.grant_g1"]}})
	count(verdicts) == 0
}

test_deleting_wide_access_is_allowed if {
	r := fixtures.resource({"action": "delete", "scope": {"privileges": ["ALL"], "roles": [], "flags": []}})
	count(no_wildcard.deny) == 0 with input as {"now": fixtures.now, "grants": [], "resources": [r]}
		with data.tempgrant.config as fixtures.config
}

test_what_the_plan_reader_found_too_wide_is_denied_with_its_description if {
	verdicts := check({"wide": ["NotAction (every action but those listed)", "the member allUsers"]})
	{v.message | some v in verdicts} == {
		"tempgrant_postgresql_login_role.grant_g1 grants NotAction (every action but those listed); narrow it, or list it in scope.allow in tempgrant.yaml",
		"tempgrant_postgresql_login_role.grant_g1 grants the member allUsers; narrow it, or list it in scope.allow in tempgrant.yaml",
	}
}

test_grant_option_is_denied if {
	count(check({"flags": ["grant_option"]})) == 1
}

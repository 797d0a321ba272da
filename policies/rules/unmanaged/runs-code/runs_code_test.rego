package tempgrant.rules.unmanaged.runs_code_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.unmanaged.runs_code

check(resource) := verdicts if {
	verdicts := runs_code.deny with input as {"now": fixtures.now, "grants": [], "resources": [resource]}
		with data.tempgrant.config as fixtures.config
}

test_a_resource_that_runs_nothing_passes if {
	count(check(fixtures.role)) == 0
}

test_a_provisioner_is_denied if {
	resource := object.union(fixtures.role, {"runsCode": "runs its local-exec provisioner when created or destroyed"})
	[v] := [v | some v in check(resource)]
	v.rule == "unmanaged/runs-code"
	v.address == fixtures.role.address
	v.message == sprintf("%s (tempgrant_postgresql_login_role) runs its local-exec provisioner when created or destroyed, with the pipeline's rights and out of any check's sight: keep the grants stack free of code it runs", [fixtures.role.address])
}

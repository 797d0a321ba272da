# METADATA
# title: The stack runs no code of its own
# description: |
#   A provisioner (local-exec, remote-exec, file) on a resource the plan creates, replaces or
#   destroys, or a data source that runs a program (external) anywhere in the configuration,
#   acts with the pipeline's credentials in ways no plan shows, so no check can judge what it
#   grants: it could create access beside the grants, or keep a revoked grant's access alive.
#   A program data source has already run when the plan is checked; the denial keeps the plan
#   from being applied. Keep the grants stack free of code it runs.
# custom:
#   id: unmanaged/runs-code
#   severity: deny
package tempgrant.rules.unmanaged.runs_code

import rego.v1

import data.tempgrant.lib

per_item := true

deny contains lib.violation("unmanaged/runs-code", resource.owner, resource.address, message) if {
	some resource in input.resources
	runs := object.get(resource, "runsCode", null)
	runs != null
	message := sprintf("%s (%s) %s, with the pipeline's rights and out of any check's sight: keep the grants stack free of code it runs", [resource.address, resource.type, runs])
}

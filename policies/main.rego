# METADATA
# title: tempgrant policy entrypoints
# description: |
#   Collects the verdicts of every rule under data.tempgrant.rules. A rule's path is its
#   identity (rules/<category>/<rule-name>/); there is no registry to keep in step.
# entrypoint: true
package tempgrant.main

import rego.v1

# Both lists in one evaluation: the input is loaded into the WASM memory once.
verdicts := {"deny": deny, "warn": warn}

# Verdicts that fail the check.
deny contains verdict if {
	some verdict in data.tempgrant.rules[_][_].deny
}

# Verdicts that are only reported.
warn contains verdict if {
	some verdict in data.tempgrant.rules[_][_].warn
}

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

# METADATA
# description: |
#   True when every rule package declares `per_item := true`: it judges one grant (with
#   lib.owned(grant)) or one entry of input.resources at a time, reading beside it only
#   input.now and input.removedUnexpired. Then a large plan may be checked in parts, in
#   parallel, with the same verdicts. A package without the declaration (an organisation's
#   rule that counts across grants, say) makes the whole plan one evaluation.
# entrypoint: true
partitionable if {
	every _, category in data.tempgrant.rules {
		every _, rule in category {
			rule.per_item == true
		}
	}
}

import type { Construct } from "constructs";
import type { Grant, Problem } from "../../grant/index.js";
import type { RawResource } from "../raw-resource.js";

/**
 * The contract of a target binding: how one kind of system turns an active grant into
 * Terraform resources. To add a target, implement this in one file under targets/.
 *
 * - `bind` is called only for grants that are active at the synth clock, and must create
 *   resources named with {@link resourceName} so addresses stay deterministic.
 * - Each grant gets objects of its own (a role, a policy, a binding), so revoking one grant
 *   never removes access that another, overlapping grant still gives.
 * - Where the system can expire access by itself, the resources carry that expiry too
 *   (`nativeExpiry`), as a second lock behind the scheduled sweep.
 */
export interface TargetBinding {
  /** The kind of system, recorded in the grant record: `postgresql`, `aws-iam`, ... */
  readonly kind: string;
  /** The system's name, which grants use as their `target` (for example `orders-db`). */
  readonly name: string;
  /** Whether `bind` writes a native expiry into the target resources. */
  readonly nativeExpiry: boolean;
  /** Problems with a grant for this target (unknown access level, missing credential). */
  validate(grant: Grant): Problem[];
  /** Creates the target resources of an active grant, inside `scope`. */
  bind(scope: Construct, grant: Grant): RawResource[];
}

/** A problem for an access level the binding does not know. */
export function unknownAccess(binding: TargetBinding, access: string, known: readonly string[]): Problem {
  return {
    path: "access",
    code: "ACCESS_UNKNOWN",
    message: `target ${binding.name} has no access level "${access}" (known: ${known.join(", ")})`,
  };
}

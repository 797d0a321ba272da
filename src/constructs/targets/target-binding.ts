import type { Construct } from "constructs";
import type { Grant, Problem } from "../../grant/index.js";
import type { DataBinding } from "../../targets/target-module.js";
import { RawResource, type RawResourceProps } from "../raw-resource.js";

/**
 * A target in a stack: how one kind of system turns an active grant into Terraform
 * resources, inside a construct. What the resources are is the target module's (src/targets/,
 * plain data, no cdktf); {@link BoundTarget} turns that data into resources here.
 *
 * - `bind` is called only for grants that are active at the synth clock, and must create
 *   resources named with `resourceName` so addresses stay deterministic.
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

/**
 * The cdktf adapter of a target module's binding: one {@link RawResource} per resource the
 * binding gives, each with the meta-arguments of the stack (a provider alias).
 */
export abstract class BoundTarget implements TargetBinding {
  readonly kind: string;
  readonly name: string;
  readonly nativeExpiry: boolean;

  protected constructor(
    private readonly binding: DataBinding,
    private readonly meta: Pick<RawResourceProps, "provider"> = {},
  ) {
    this.kind = binding.kind;
    this.name = binding.name;
    this.nativeExpiry = binding.nativeExpiry;
  }

  validate(grant: Grant): Problem[] {
    return this.binding.validate(grant);
  }

  bind(scope: Construct, grant: Grant): RawResource[] {
    return this.binding.resources(grant).map(
      (resource) =>
        new RawResource(scope, resource.part, {
          type: resource.type,
          name: resource.name,
          attributes: resource.attributes,
          ...this.meta,
        }),
    );
  }
}

import { TerraformLocal, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  formatTimestamp,
  grantRecord,
  grantStatus,
  validateGrant,
  type Grant,
  type GrantSpec,
  type GrantStatus,
  type Problem,
} from "../grant/index.js";
import { CONTEXT, grantClock } from "./grant-clock.js";
import { listDeclaredGrant } from "./declared-grant-listing.js";
import { resourceName } from "./naming.js";
import { RawResource } from "./raw-resource.js";
import type { TargetBinding } from "./targets/target-binding.js";

/** Props of {@link TemporaryGrant}: a grant spec whose target is a binding. */
export interface TemporaryGrantProps extends Omit<GrantSpec, "id" | "target"> {
  /** The grant id; defaults to the construct id. */
  readonly id?: string;
  /** Where the access is given. */
  readonly target: TargetBinding;
  /** Where the spec came from, for messages (for example `grants/team-a.yaml:12`). */
  readonly source?: string;
}

/** Grant ids already declared, per stack, to refuse duplicates with both paths. */
const declaredIds = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * A time-boxed grant. It synthesizes nothing unless it is active at the synth clock
 * (context `tempgrant:now`). While active it synthesizes the target resources from its
 * binding and a grant record: a built-in `terraform_data` whose input holds the grant's
 * metadata and the addresses it owns, with a precondition that refuses to plan it once
 * its expiry has passed (so a stale synth can never create expired access).
 */
export class TemporaryGrant extends Construct {
  /** The validated grant; undefined when the spec is invalid. */
  readonly grant: Grant | undefined;
  /** Status at the synth clock; `invalid` when the spec has problems. */
  readonly status: GrantStatus | "invalid";
  /** Problems with the spec, each with the field path. */
  readonly problems: readonly Problem[];
  /** Addresses this grant synthesized (target resources, then the record); empty unless active. */
  readonly addresses: readonly string[];
  /** The binding's kind and name. */
  readonly binding: TargetBinding;

  constructor(scope: Construct, id: string, props: TemporaryGrantProps) {
    super(scope, id);
    this.binding = props.target;
    const { target, source, ...spec } = props;
    const { grant, problems } = validateGrant({ ...spec, id: props.id ?? id, target: target.name });
    const allProblems = [...problems, ...(grant ? target.validate(grant) : [])];
    const duplicate = grant ? this.claimId(grant.id) : undefined;
    if (duplicate) {
      allProblems.push({
        path: "id",
        code: "ID_DUPLICATE",
        message: `grant id "${grant?.id}" is already declared at ${duplicate}`,
      });
    }
    this.problems = allProblems;
    this.grant = allProblems.length === 0 ? grant : undefined;
    const declaredAt = source ?? this.node.path;
    if (!this.grant) {
      this.status = "invalid";
      this.addresses = [];
      listDeclaredGrant(this, props.id ?? id, {
        status: "invalid",
        source: declaredAt,
        problems: allProblems,
      });
      if (this.node.tryGetContext(CONTEXT.invalidGrants) !== "skip") {
        const where = source ?? this.node.path;
        this.node.addValidation({
          validate: () =>
            allProblems.map(
              (problem) => `${where}${problem.path ? ` ${problem.path}` : ""}: ${problem.message}`,
            ),
        });
      }
      return;
    }
    const clock = grantClock(this);
    this.status = grantStatus(this.grant, clock.now, clock.margin);
    if (this.status !== "active") {
      this.addresses = [];
      listDeclaredGrant(this, this.grant.id, { status: this.status, source: declaredAt, grant: this.grant });
      return;
    }
    const resources = target.bind(this, this.grant);
    // Terraform wants a condition to refer to some object, so the expiry lives in a local.
    const expiry = new TerraformLocal(this, "expiry", formatTimestamp(this.grant.expiresAt));
    expiry.overrideLogicalId(resourceName(this.grant.id, "expires_at"));
    // A raw terraform_data rather than cdktf's DataResource: that one shells out to
    // `terraform version` once per resource at synth (75 ms each) and fails where only tofu exists.
    const record = new RawResource(this, "record", {
      type: "terraform_data",
      name: resourceName(this.grant.id),
      attributes: {
        input: grantRecord(
          this.grant,
          target,
          resources.map((resource) => resource.address),
        ),
      },
      lifecycle: {
        precondition: [
          {
            condition: `\${timecmp(plantimestamp(), local.${resourceName(this.grant.id, "expires_at")}) < 0}`,
            errorMessage: `grant ${this.grant.id} expired at ${formatTimestamp(this.grant.expiresAt)}: this synth is stale; synthesize again at the current time`,
          },
        ],
      },
    });
    this.addresses = [...resources.map((resource) => resource.address), record.address];
    listDeclaredGrant(this, this.grant.id, { status: "active", source: declaredAt, grant: this.grant });
  }

  private claimId(grantId: string): string | undefined {
    const stack = TerraformStack.of(this);
    const ids = declaredIds.get(stack) ?? new Map<string, string>();
    declaredIds.set(stack, ids);
    const existing = ids.get(grantId);
    if (existing === undefined) ids.set(grantId, this.node.path);
    return existing;
  }
}

import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  GRANT_RECORD_TYPE,
  grantRecord,
  grantRecordAttributes,
  formatLocatedProblem,
  grantStatus,
  validateGrant,
  type Grant,
  type GrantSpec,
  type GrantStatus,
  type Problem,
} from "../grant/index.js";
import { grantDigest } from "../approval/digest.js";
import { CONTEXT, grantClock } from "./grant-clock.js";
import { recordGrantProblems } from "./synth-report.js";
import { listDeclaredGrant, noteClockRead } from "./declared-grant-listing.js";
import { resourceName } from "./naming.js";
import { RawResource } from "./raw-resource.js";
import { tempgrantProvider } from "./tempgrant-provider.js";
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
 * binding and a grant record: a `tempgrant_grant` (tempgrant's provider) holding the grant's
 * metadata and the addresses it owns. The provider refuses the record once its expiry has
 * passed, at plan time and again at apply time, and every target resource depends on the
 * record, so a stale synth or a saved plan applied late creates no access at all.
 */
export class TemporaryGrant extends Construct {
  /** The validated grant; undefined when the spec is invalid. */
  readonly grant: Grant | undefined;
  /** Problems with the spec, each with the field path. */
  readonly problems: readonly Problem[];
  /** The binding's kind and name. */
  readonly binding: TargetBinding;
  readonly #status: GrantStatus | "invalid";
  readonly #addresses: readonly string[];

  /**
   * Status at the synth clock; `invalid` when the spec has problems. An app that reads it
   * makes its output depend on the clock beyond the grants' own: the stack's listing says so,
   * and sweeps always run that app (docs/sweep.md, "The fast path").
   */
  get status(): GrantStatus | "invalid" {
    noteClockRead(this);
    return this.#status;
  }

  /** Addresses this grant synthesized (target resources, then the record); empty unless active. Read as `status` is. */
  get addresses(): readonly string[] {
    noteClockRead(this);
    return this.#addresses;
  }

  constructor(scope: Construct, id: string, props: TemporaryGrantProps) {
    super(scope, id);
    this.binding = props.target;
    const { target, source, ...spec } = props;
    const { grant, problems } = validateGrant({ ...spec, id: props.id ?? id, target: target.name });
    const allProblems = [...problems, ...(grant ? target.validate(grant) : [])];
    const declaredAt = source ?? this.node.path;
    const duplicate = grant ? this.claimId(grant.id, declaredAt) : undefined;
    if (duplicate) {
      allProblems.push({
        path: "id",
        code: "ID_DUPLICATE",
        message: `grant id "${grant?.id}" is already declared at ${duplicate}`,
      });
    }
    this.problems = allProblems;
    this.grant = allProblems.length === 0 ? grant : undefined;
    if (!this.grant) {
      this.#status = "invalid";
      this.#addresses = [];
      listDeclaredGrant(this, props.id ?? id, {
        status: "invalid",
        source: declaredAt,
        problems: allProblems,
      });
      if (this.node.tryGetContext(CONTEXT.invalidGrants) !== "skip") {
        const located = allProblems.map((problem) => ({ ...problem, file: declaredAt, line: undefined }));
        recordGrantProblems(located);
        this.node.addValidation({ validate: () => located.map(formatLocatedProblem) });
      }
      return;
    }
    // Declared even while the grant is inactive: destroying its record and access needs it.
    tempgrantProvider(this);
    const clock = grantClock(this);
    this.#status = grantStatus(this.grant, clock.now, clock.margin);
    if (this.#status !== "active") {
      this.#addresses = [];
      listDeclaredGrant(this, this.grant.id, { status: this.#status, source: declaredAt, grant: this.grant });
      return;
    }
    const resources = target.bind(this, this.grant);
    const record = new RawResource(this, "record", {
      type: GRANT_RECORD_TYPE,
      name: resourceName(this.grant.id),
      attributes: grantRecordAttributes(
        grantRecord(
          this.grant,
          target,
          resources.map((resource) => resource.address),
          grantDigest(this.grant),
        ),
      ),
    });
    // The record first: when the provider refuses it (expired by the apply's clock), tofu
    // creates none of what depends on it; on destroy, the access goes before the record.
    for (const resource of resources) resource.dependsOn = [...(resource.dependsOn ?? []), record.address];
    this.#addresses = [...resources.map((resource) => resource.address), record.address];
    listDeclaredGrant(this, this.grant.id, { status: "active", source: declaredAt, grant: this.grant });
  }

  private claimId(grantId: string, declaredAt: string): string | undefined {
    const stack = TerraformStack.of(this);
    const ids = declaredIds.get(stack) ?? new Map<string, string>();
    declaredIds.set(stack, ids);
    const existing = ids.get(grantId);
    if (existing === undefined) ids.set(grantId, declaredAt);
    return existing;
  }
}

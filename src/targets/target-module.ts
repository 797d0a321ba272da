import type { Grant, Problem } from "../grant/index.js";
import type { RelationHooks, RelationLookups } from "./relation-hooks.js";
import type { TargetCheck } from "./target-check.js";

/**
 * The contract of a target: everything tempgrant knows about one kind of system, as plain
 * data and functions (no cdktf). To add a target, write one folder under src/targets/ whose
 * index.ts exports a {@link TargetModule}, and add it to TARGET_MODULES in registry.ts;
 * registry.test.ts holds every registered module to this contract.
 */
export interface TargetModule<Props = never> {
  /** The kind, recorded in the grant record: `postgresql`, `aws-iam`, ... */
  readonly kind: string;
  /** The binding of one system of this kind (`orders-db`), from its settings. */
  binding(props: Props): DataBinding;
  /** Reading this kind's resources back from a plan. */
  readonly readers: PlanReaders;
  /**
   * The sweep's check inside the system once a grant is revoked, from the environment it
   * connects with; null when the system has none (the re-plan is then the only check).
   */
  readonly check: ((env: NodeJS.ProcessEnv) => TargetCheck) | null;
}

/** One Terraform resource a grant needs, as plain data. */
export interface ResourceData {
  /** What the resource is to its grant (`policy`, `attachment`, `role`), unique among the grant's resources. */
  readonly part: string;
  /** The Terraform resource type, for example `aws_iam_policy`. */
  readonly type: string;
  /** The resource name in addresses (`<type>.<name>`), from `resourceName` (naming.ts): deterministic. */
  readonly name: string;
  /**
   * Attributes as Terraform JSON spells them (snake_case). Strings are literal text; a
   * reference is an `expression()` (terraform-text.ts turns both into Terraform JSON).
   */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A resource's address in plans and state: `<type>.<name>`. */
export function addressOf(resource: Pick<ResourceData, "type" | "name">): string {
  return `${resource.type}.${resource.name}`;
}

/**
 * A binding of one system to plain resource data: how an active grant becomes Terraform
 * resources there.
 *
 * - `resources` is called only for grants that are active at the synth clock; resources are
 *   named with `resourceName` (naming.ts) so addresses stay deterministic.
 * - Each grant gets objects of its own (a role, a policy, a binding), so revoking one grant
 *   never removes access that another, overlapping grant still gives.
 * - Where the system can expire access by itself, the resources carry that expiry too
 *   (`nativeExpiry`), as a second lock behind the scheduled sweep.
 */
export interface DataBinding {
  /** The kind of system, recorded in the grant record: `postgresql`, `aws-iam`, ... */
  readonly kind: string;
  /** The system's name, which grants use as their `target` (for example `orders-db`). */
  readonly name: string;
  /** Whether `resources` writes a native expiry the system enforces. */
  readonly nativeExpiry: boolean;
  /** Problems with a grant for this target (unknown access level, missing credential). */
  validate(grant: Grant): Problem[];
  /** The target resources of an active grant. */
  resources(grant: Grant): ResourceData[];
}

/**
 * What a privileged resource grants, as plain strings the scope policy can compare:
 * privileges, IAM actions and roles, plus flags such as superuser. Extracted by the targets
 * so the policy does not need to know every provider's attribute names or parse documents.
 */
export interface GrantedScope {
  readonly privileges: readonly string[];
  readonly roles: readonly string[];
  readonly flags: readonly string[];
  /**
   * Access too wide to allow, or that tempgrant cannot read, described for messages (NotAction,
   * a wildcard member, a policy attached from outside the grant, a condition it cannot read).
   * Left out when there is none.
   */
  readonly wide?: readonly string[];
}

/** What a resource's scope may depend on elsewhere in the plan, and the grant it belongs to. */
export interface ScopeContext {
  /** The plan's referable resources, indexed by the targets' {@link RelationHooks}. */
  readonly relations: RelationLookups;
  /** The grant that owns the resource; null for none. */
  readonly owner: string | null;
}

/**
 * How a target reads its resources in a plan, by resource type. The registry asks the readers
 * of the one target whose `reads` takes the type (no two targets take one type); what no
 * target reads, or its `scope` leaves undefined, plan/ reads with its generic rules.
 */
export interface PlanReaders {
  /** Whether the type is this system's: the other readers are asked only about such types. */
  reads(type: string): boolean;
  /** Globs of this system's resource types that give access (the default `privilegedTypes`). */
  readonly privilegedTypes: readonly string[];
  /**
   * Privileged by what it holds rather than by its type (a manifest holding an RBAC object).
   * `unknown`: the attribute paths known only after apply (`manifest.kind`), so that what
   * cannot be read at plan time can count as privileged.
   */
  privilegedByContent(type: string, values: Record<string, unknown>, unknown: readonly string[]): boolean;
  /**
   * Attributes of `type` the provider computes when the configuration leaves them out (a
   * queue's or bucket's policy): unknown at plan time then, which says nothing. Unknown with
   * an expression in the configuration, they count as any unknown value.
   */
  computedWhenUnset?(type: string): readonly string[];
  /** The scope a resource's values grant; undefined for a type this target does not read. */
  scope(type: string, values: Record<string, unknown>, context?: ScopeContext): GrantedScope | undefined;
  /** Attributes {@link scope} reads: compared as scope, not as text, when a resource changes in place. */
  scopeAttributes(type: string): readonly string[];
  /** The expiry the resource enforces by itself (epoch seconds); undefined for none or unreadable. */
  nativeExpiry(type: string, values: Record<string, unknown>): number | undefined;
  /** Whether the resource is one whose native expiry is read (even when it has none). */
  expiryBearing(type: string, values: Record<string, unknown>): boolean;
  /** Attributes holding the native expiry: later is wider, earlier is narrower. */
  expiryAttributes(type: string): readonly string[];
  /** Resource type -> the attribute that carries a grant's credential (covered by its digest). */
  readonly credentialAttributes: Readonly<Record<string, string>>;
  /** Which of this system's resources others in the plan refer to, and how; null for none. */
  readonly relations: RelationHooks | null;
  /**
   * Who the resource gives its access to, as written in it, in the form the target's binding
   * writes a grant's principal (GCP's `user:` kind left out, a Kubernetes subject's name, an
   * AWS user or role name): compared with the owning grant's principal, case-insensitively
   * after trimming (`scope/grantee-is-principal`). A grantee that is never one person keeps a
   * kind (`group:…`, `domain:…`) so that it never equals a principal as the binding writes one.
   * Undefined when the type names no grantee (or the target does not read it); an empty list
   * when it names no one.
   */
  grantees?(type: string, values: Record<string, unknown>): readonly string[] | undefined;
}

/**
 * Readers that read nothing: those of a target whose types are the user's (custom), and
 * what a target's own readers leave as it is (no expiry, no credential, nothing referred to).
 */
export const NO_READERS: PlanReaders = {
  reads: () => false,
  privilegedTypes: [],
  privilegedByContent: () => false,
  scope: () => undefined,
  scopeAttributes: () => [],
  nativeExpiry: () => undefined,
  expiryBearing: () => false,
  expiryAttributes: () => [],
  credentialAttributes: {},
  relations: null,
};

/**
 * A binding whose settings name the system and list its access levels: the name, and the
 * validation every such binding makes (an access level it does not know is a problem).
 */
export abstract class AccessLevelBinding<Props extends { readonly name: string }> implements DataBinding {
  abstract readonly kind: string;
  abstract readonly nativeExpiry: boolean;
  readonly name: string;

  protected constructor(
    protected readonly props: Props,
    private readonly accessLevels: (props: Props) => readonly string[],
  ) {
    this.name = props.name;
  }

  validate(grant: Grant): Problem[] {
    return accessProblems(this, grant.access, this.accessLevels(this.props));
  }

  abstract resources(grant: Grant): ResourceData[];
}

/**
 * What sets one kind of {@link AccessLevelBinding} apart from another: whether it writes a
 * native expiry, where its settings list the access levels, and the resources of a grant at
 * one of them (`level`: what the settings say the grant's access level stands for).
 */
export interface AccessLevelKind<Props, Level> {
  readonly nativeExpiry: boolean;
  /** Access level -> what it stands for (a statement, a role): the settings' own record. */
  levels(props: Props): Readonly<Record<string, Level>>;
  resources(props: Props, grant: Grant, level: Level | undefined): ResourceData[];
}

/**
 * The binding class of one kind whose settings map access levels to what they stand for:
 * the name, the validation and the look-up of the grant's level are the shared part, the
 * resources the kind's own. `new` on it takes the settings, as a hand-written class would.
 */
export function accessLevelBinding<Props extends { readonly name: string }, Level>(
  kind: string,
  definition: AccessLevelKind<Props, Level>,
): new (props: Props) => AccessLevelBinding<Props> {
  return class extends AccessLevelBinding<Props> {
    readonly kind = kind;
    readonly nativeExpiry = definition.nativeExpiry;

    constructor(props: Props) {
      super(props, (settings) => Object.keys(definition.levels(settings)));
    }

    resources(grant: Grant): ResourceData[] {
      return definition.resources(this.props, grant, definition.levels(this.props)[grant.access]);
    }
  };
}

/** The problem with an access level the binding does not know, if it does not: none or one. */
export function accessProblems(
  binding: { readonly name: string },
  access: string,
  known: readonly string[],
): Problem[] {
  if (known.includes(access)) return [];
  return [
    {
      path: "access",
      code: "ACCESS_UNKNOWN",
      message: `target ${binding.name} has no access level "${access}" (known: ${known.join(", ")})`,
    },
  ];
}

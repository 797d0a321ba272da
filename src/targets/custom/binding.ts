import type { Grant, Problem } from "../../grant/index.js";
import { resourceName } from "../naming.js";
import { accessProblems, type DataBinding, type ResourceData } from "../target-module.js";

/** One resource a custom binding creates for a grant. */
export interface CustomResourceSpec {
  /** Terraform resource type, for example `github_team_membership`. */
  readonly type: string;
  /** Suffix that tells this grant's resources apart when there are several. */
  readonly suffix?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Settings of a system without a binding of its own. */
export interface CustomBindingProps {
  readonly name: string;
  /** Recorded as the binding kind; default `custom`. */
  readonly kind?: string;
  /** Set only when `resources` really writes an expiry the system enforces. */
  readonly nativeExpiry?: boolean;
  /** Access levels this target accepts; any when omitted. */
  readonly accessLevels?: readonly string[];
  /** The resources an active grant needs. */
  readonly resources: (grant: Grant) => readonly CustomResourceSpec[];
}

/** Wraps any Terraform resource as a grant target: the escape hatch for systems without a binding. */
export class CustomBinding implements DataBinding {
  readonly kind: string;
  readonly name: string;
  readonly nativeExpiry: boolean;

  constructor(private readonly props: CustomBindingProps) {
    this.kind = props.kind ?? "custom";
    this.name = props.name;
    this.nativeExpiry = props.nativeExpiry ?? false;
  }

  validate(grant: Grant): Problem[] {
    const known = this.props.accessLevels;
    return known ? accessProblems(this, grant.access, known) : [];
  }

  resources(grant: Grant): ResourceData[] {
    return this.props.resources(grant).map((spec, index) => ({
      part: `custom${index}`,
      type: spec.type,
      name: resourceName(grant.id, spec.suffix),
      attributes: spec.attributes,
    }));
  }
}

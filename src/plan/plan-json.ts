/**
 * The parts of `tofu show -json` / `terraform show -json` plan output that tempgrant reads.
 * Format versions 0.x and 1.x (Terraform 0.12 onwards, OpenTofu); everything else is ignored.
 */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  /** RFC 3339 time of the plan (Terraform 1.5+ / OpenTofu). */
  readonly timestamp?: string;
  readonly planned_values: unknown;
  readonly resource_changes?: readonly ResourceChangeJson[];
  /** Changes made outside Terraform since the last apply, found by the plan's refresh. */
  readonly resource_drift?: readonly ResourceChangeJson[];
}

/** One entry of `resource_changes`. */
export interface ResourceChangeJson {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name?: string;
  /** Where a `moved` block (or a refactoring) took this resource from, when it moved. */
  readonly previous_address?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
  };
}

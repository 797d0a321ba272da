import { formatTimestamp } from "../../grant/time.js";
import { resourceName } from "../naming.js";
import { accessLevelBinding } from "../target-module.js";

/** Settings of one GCP project as a target. */
export interface GcpIamBindingProps {
  readonly name: string;
  /** The project the roles are granted on. */
  readonly project: string;
  /** Access level -> IAM role (`read: roles/cloudsql.viewer`). */
  readonly roles: Readonly<Record<string, string>>;
}

/**
 * Temporary GCP access: one conditional IAM member per grant. The IAM condition on
 * `request.time` stops it at the expiry by itself: the native second lock. Each grant's
 * condition has its own title, so overlapping grants are separate bindings.
 */
export const GcpIamBinding = accessLevelBinding("gcp-iam", {
  nativeExpiry: true,
  levels: (props: GcpIamBindingProps) => props.roles,
  resources(props, grant, role) {
    const clauses = [`request.time < timestamp("${formatTimestamp(grant.expiresAt)}")`];
    if (grant.startsAt !== undefined)
      clauses.unshift(`request.time >= timestamp("${formatTimestamp(grant.startsAt)}")`);
    return [
      {
        part: "member",
        type: "google_project_iam_member",
        name: resourceName(grant.id),
        attributes: {
          project: props.project,
          role,
          member: grant.principal.includes(":") ? grant.principal : `user:${grant.principal}`,
          condition: {
            title: `tempgrant-${grant.id}`,
            description: `tempgrant ${grant.id}: ${grant.reason}`.slice(0, 256),
            expression: clauses.join(" && "),
          },
        },
      },
    ];
  },
});
export type GcpIamBinding = InstanceType<typeof GcpIamBinding>;

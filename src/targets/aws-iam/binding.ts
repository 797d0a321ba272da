import { formatTimestamp } from "../../grant/time.js";
import { resourceName } from "../naming.js";
import { accessLevelBinding, addressOf, type ResourceData } from "../target-module.js";
import { expression } from "../terraform-text.js";

/** The IAM statement an access level stands for. */
export interface AwsAccessLevel {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** Settings of one AWS account as a target. */
export interface AwsIamBindingProps {
  readonly name: string;
  /** Whether principals are IAM users or IAM roles. */
  readonly principalType: "user" | "role";
  /** Access level -> the statement it allows. */
  readonly accessLevels: Readonly<Record<string, AwsAccessLevel>>;
}

/**
 * Temporary AWS access: one managed policy per grant, attached to the principal. The
 * policy's own condition (`DateLessThan aws:CurrentTime`) stops it working at the expiry
 * even if the sweep never runs: the native second lock.
 */
export const AwsIamBinding = accessLevelBinding("aws-iam", {
  nativeExpiry: true,
  levels: (props: AwsIamBindingProps) => props.accessLevels,
  resources(props, grant, level) {
    const condition: Record<string, Record<string, string>> = {
      DateLessThan: { "aws:CurrentTime": formatTimestamp(grant.expiresAt) },
    };
    if (grant.startsAt !== undefined) {
      condition.DateGreaterThan = { "aws:CurrentTime": formatTimestamp(grant.startsAt) };
    }
    const document = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: `Tempgrant${grant.id.replaceAll("-", "")}`.slice(0, 128),
          Effect: "Allow",
          Action: level?.actions ?? [],
          Resource: level?.resources ?? [],
          Condition: condition,
        },
      ],
    };
    const policy: ResourceData = {
      part: "policy",
      type: "aws_iam_policy",
      name: resourceName(grant.id),
      attributes: {
        name: `tempgrant-${grant.id}`,
        description: `tempgrant ${grant.id} for ${grant.principal} until ${formatTimestamp(grant.expiresAt)}`,
        policy: JSON.stringify(document),
        tags: { "tempgrant:grant": grant.id, "tempgrant:expires-at": formatTimestamp(grant.expiresAt) },
      },
    };
    const attachment: ResourceData = {
      part: "attachment",
      type:
        props.principalType === "user" ? "aws_iam_user_policy_attachment" : "aws_iam_role_policy_attachment",
      name: resourceName(grant.id),
      attributes: {
        [props.principalType]: grant.principal,
        policy_arn: expression(`${addressOf(policy)}.arn`),
      },
    };
    return [policy, attachment];
  },
});
export type AwsIamBinding = InstanceType<typeof AwsIamBinding>;

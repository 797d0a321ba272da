import type { Construct } from "constructs";
import { formatTimestamp, type Grant, type Problem } from "../../grant/index.js";
import { resourceName } from "../naming.js";
import { RawResource } from "../raw-resource.js";
import { expression } from "../template-text.js";
import { unknownAccess, type TargetBinding } from "./target-binding.js";

/** The IAM statement an access level stands for. */
export interface AwsAccessLevel {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** Props of {@link AwsIamTarget}. */
export interface AwsIamTargetProps {
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
export class AwsIamTarget implements TargetBinding {
  readonly kind = "aws-iam";
  readonly nativeExpiry = true;
  readonly name: string;

  constructor(private readonly props: AwsIamTargetProps) {
    this.name = props.name;
  }

  validate(grant: Grant): Problem[] {
    const known = Object.keys(this.props.accessLevels);
    return known.includes(grant.access) ? [] : [unknownAccess(this, grant.access, known)];
  }

  bind(scope: Construct, grant: Grant): RawResource[] {
    const level = this.props.accessLevels[grant.access];
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
    const policy = new RawResource(scope, "policy", {
      type: "aws_iam_policy",
      name: resourceName(grant.id),
      attributes: {
        name: `tempgrant-${grant.id}`,
        description: `tempgrant ${grant.id} for ${grant.principal} until ${formatTimestamp(grant.expiresAt)}`,
        policy: JSON.stringify(document),
        tags: { "tempgrant:grant": grant.id, "tempgrant:expires-at": formatTimestamp(grant.expiresAt) },
      },
    });
    const attachmentType =
      this.props.principalType === "user"
        ? "aws_iam_user_policy_attachment"
        : "aws_iam_role_policy_attachment";
    const attachment = new RawResource(scope, "attachment", {
      type: attachmentType,
      name: resourceName(grant.id),
      attributes: {
        [this.props.principalType]: grant.principal,
        policy_arn: expression(`${policy.address}.arn`),
      },
    });
    return [policy, attachment];
  }
}

import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { specOf, type Grant, type GrantStatus, type Problem } from "../grant/index.js";

/**
 * Lists every declared grant (active or not) in the synthesized JSON under the comment key
 * "//" (which Terraform ignores), so `tempgrant grants --app` can list TypeScript grants too.
 */
export function listDeclaredGrant(
  scope: Construct,
  id: string,
  entry: { status: GrantStatus | "invalid"; source: string; grant?: Grant; problems?: readonly Problem[] },
): void {
  const grant = entry.grant;
  // addOverride splits its path on dots; an invalid id may hold some.
  TerraformStack.of(scope).addOverride(`//.tempgrant.grants.${id.replaceAll(".", "_")}`, {
    status: entry.status,
    source: entry.source,
    // The credential is a public verifier, and part of what approvers sign (the grant digest).
    ...(grant
      ? {
          spec: {
            ...specOf(grant),
            ...(grant.credential !== undefined ? { credential: grant.credential } : {}),
          },
        }
      : {}),
    ...(entry.problems && entry.problems.length > 0 ? { problems: entry.problems } : {}),
  });
}

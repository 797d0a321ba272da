import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Grant, GrantStatus, Problem } from "../grant/index.js";
import { stackListingEntry } from "../grant/stack-listing.js";

/** The listing of each stack, written into its JSON when cdktf synthesizes it. */
const listings = new WeakMap<TerraformStack, Record<string, unknown>>();

/**
 * Lists every declared grant (active or not) in the synthesized JSON under the comment key
 * "//" (which Terraform ignores), so `tempgrant grants --app` can list TypeScript grants too.
 *
 * The listing is added to the stack's JSON after cdktf has resolved it: it is plain data
 * (grant text never holds a cdktf token, see grant/validate.ts), and resolving it with the
 * rest (as a stack override would be) cost a fifth of the synthesis of 10,000 grants. With
 * HCL output (no JSON to add to) it is a stack override as before.
 */
export function listDeclaredGrant(
  scope: Construct,
  id: string,
  entry: { status: GrantStatus | "invalid"; source: string; grant?: Grant; problems?: readonly Problem[] },
): void {
  const listed = stackListingEntry(entry);
  // The key as a stack override spelled it: addOverride splits its path on dots, and an
  // invalid id may hold some.
  const key = id.replaceAll(".", "_");
  const stack = TerraformStack.of(scope);
  if (App.of(stack).hclOutput) {
    stack.addOverride(`//.tempgrant.grants.${key}`, listed);
    return;
  }
  listingOf(stack)[key] = JSON.parse(JSON.stringify(listed)) as unknown;
}

/** Stacks whose app read a grant's status or addresses (see TemporaryGrant.status). */
const clockRead = new WeakSet<TerraformStack>();

/**
 * Notes that the app read what only the clock decides (a grant's status), so its output may
 * differ at another clock by more than the grants that expired: the listing says
 * `clockRead: true`, and a sweep never skips running such an app.
 */
export function noteClockRead(scope: Construct): void {
  clockRead.add(TerraformStack.of(scope));
}

/** The stack's listing, created with the hook that writes it into the stack's JSON. */
function listingOf(stack: TerraformStack): Record<string, unknown> {
  const existing = listings.get(stack);
  if (existing) return existing;
  const listing: Record<string, unknown> = {};
  listings.set(stack, listing);
  const toTerraform = stack.toTerraform.bind(stack);
  stack.toTerraform = () => {
    const json = toTerraform() as Record<string, unknown>;
    const comment = (json["//"] ??= {}) as Record<string, unknown>;
    const tempgrant = (comment.tempgrant ??= {}) as Record<string, unknown>;
    tempgrant.grants = { ...(tempgrant.grants as Record<string, unknown> | undefined), ...listing };
    if (clockRead.has(stack)) tempgrant.clockRead = true;
    return json;
  };
  return listing;
}

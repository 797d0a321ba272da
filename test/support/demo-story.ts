import { expect } from "vitest";

/**
 * What `npm run demo` must print for its story to have happened: every step's outcome, its
 * progress lines before the results they lead to, and the report it wrote. Returns the report's path.
 */
export function expectDemoStory(stdout: string): string | undefined {
  for (const step of [
    "DENY approvals/no-self-approval",
    "login accepted as tg_alice_orders_read",
    "second session open: select count(*) from orders = 2",
    "revoked 1 grant(s) (alice-orders-read), verified",
    "the open session's next query: query failed",
    'login refused for tg_alice_orders_read: password authentication failed for user "tg_alice_orders_read"',
    "role tg_alice_orders_read does not exist",
    "chain intact",
  ]) {
    expect(stdout).toContain(step);
  }
  const progress = stdout.indexOf("[plan] orders: init, plan, check...");
  expect(progress, "a plan's progress line").toBeGreaterThan(-1);
  expect(progress, "the progress line comes before the verdict").toBeLessThan(stdout.indexOf("FAIL orders"));
  return /The audit report: (\S+)/.exec(stdout)?.[1];
}

/** One policy verdict: which rule, which grant, which resource, and what to do about it. */
export interface Verdict {
  /** `deny` fails the check; `warn` is only reported. */
  readonly level: "deny" | "warn";
  /** The rule's id, its path in the pack: `approvals/no-self-approval`. */
  readonly rule: string;
  readonly grant: string | null;
  readonly address: string | null;
  readonly message: string;
}

/** The order of verdicts in a report: by grant, rule, message and address. */
export function compareVerdicts(a: Verdict, b: Verdict): number {
  return (
    (a.grant ?? "").localeCompare(b.grant ?? "") ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message) ||
    (a.address ?? "").localeCompare(b.address ?? "")
  );
}

/** The verdicts of one evaluation, sorted by grant, rule and message. */
export interface Verdicts {
  readonly deny: readonly Verdict[];
  readonly warn: readonly Verdict[];
}

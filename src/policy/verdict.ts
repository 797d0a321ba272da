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

/** The verdicts of one evaluation, sorted by grant, rule and message. */
export interface Verdicts {
  readonly deny: readonly Verdict[];
  readonly warn: readonly Verdict[];
}

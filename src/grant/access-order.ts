/**
 * Access levels from least to most, to tell whether a change of access widens or narrows a
 * grant. Levels are free text chosen per target; these are the ones the shipped bindings
 * and docs use, and `--access-order` replaces them.
 */
export const DEFAULT_ACCESS_ORDER: readonly string[] = ["read", "write", "admin"];

/**
 * What changing a grant's access from one level to another does. A level outside the order
 * counts as widening: nothing proves the new access is smaller, so an auditor should look.
 */
export function accessEffect(
  before: string,
  after: string,
  order: readonly string[] = DEFAULT_ACCESS_ORDER,
): "widened" | "narrowed" | "metadata" {
  const fold = (level: string) => level.trim().toLowerCase();
  if (fold(before) === fold(after)) return "metadata";
  const ranks = order.map(fold);
  const from = ranks.indexOf(fold(before));
  const to = ranks.indexOf(fold(after));
  if (from < 0 || to < 0) return "widened";
  if (to > from) return "widened";
  if (to < from) return "narrowed";
  return "metadata";
}

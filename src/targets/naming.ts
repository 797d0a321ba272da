/**
 * Deterministic, readable names derived from a grant id. Ids are lowercase letters, digits
 * and dashes, so replacing dashes with underscores is one-to-one.
 */
export function resourceName(grantId: string, suffix?: string): string {
  const base = `grant_${grantId.replaceAll("-", "_")}`;
  return suffix ? `${base}_${suffix}` : base;
}

/** The database/cloud object name a grant owns, for example the role `tg_alice_orders_read`. */
export function objectName(grantId: string): string {
  return `tg_${grantId.replaceAll("-", "_")}`;
}

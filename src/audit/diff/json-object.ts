/** A JSON object (not null, not a list): the shape every level of a state or plan must have. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

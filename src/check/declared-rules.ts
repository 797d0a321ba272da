/**
 * Findings about grants that are declared but synthesize nothing at the run's clock: they are
 * in no plan, so no policy rule sees them, and without these a plan would pass in silence.
 * Warnings: the access is simply not there, which is safe; the author should know why.
 */
export const DECLARED_RULES = {
  "declared/expired": {
    title: "A declared grant has expired",
    description:
      "The grant's window has ended (or it is within the revocation margin of its end), so it synthesizes nothing and gives no access: remove it, or declare a new grant.",
    help: "See docs/checking.md (grants outside their window) in the tempgrant package.",
  },
  "declared/not-started": {
    title: "A declared grant has not started",
    description:
      "The grant's window starts later, so it synthesizes nothing yet: its access is created by the first apply after its start.",
    help: "See docs/checking.md (grants outside their window) in the tempgrant package.",
  },
} as const;

/** An ambassador's lifecycle states. Client-safe: admin pages render them. */
export const AMBASSADOR_STATES = ["invited", "active", "paused", "removed"] as const;
export type AmbassadorState = (typeof AMBASSADOR_STATES)[number];

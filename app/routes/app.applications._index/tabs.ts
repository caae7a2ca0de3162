/** The queue's tabs, as the URL's `status` parameter names them. Client-safe. */
export const APPLICATION_TABS = ["pending", "approved", "rejected", "all"] as const;
export type ApplicationTab = (typeof APPLICATION_TABS)[number];

export const DEFAULT_TAB: ApplicationTab = "pending";

export const TAB_LABELS: Record<ApplicationTab, string> = {
  pending: "Pending",
  approved: "Approved",
  rejected: "Rejected",
  all: "All",
};

/** The tab a `status` parameter asks for; anything else is the default. */
export function readTab(value: string | null): ApplicationTab {
  return (APPLICATION_TABS as readonly string[]).includes(value ?? "")
    ? (value as ApplicationTab)
    : DEFAULT_TAB;
}

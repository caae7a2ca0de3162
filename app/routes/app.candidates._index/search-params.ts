/**
 * The Candidates page's URL: what each search parameter means. Client-safe (the page's
 * components read and write these); the server parses them in search-params.server.ts.
 */
import type {
  AmbassadorStatus,
  CandidateSort,
  SortDirection,
} from "~/models/Candidate/Candidate.server";
import { CANDIDATE_SIGNALS, type CandidateSignal } from "~/models/Candidate/explain";

/** Filters typed into text fields: debounced before they reach the URL. */
export const TEXT_FILTERS = ["q", "minOrders", "minSpent", "withinDays", "tag"] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];
export type TextFilterValues = Record<TextFilter, string>;

export const STATUSES = [
  "none",
  "invited",
  "approved",
  "dismissed",
] as const satisfies readonly AmbassadorStatus[];
export const SORTS = [
  "score",
  "orders",
  "spent",
  "lastOrder",
] as const satisfies readonly CandidateSort[];
export const DIRECTIONS = ["desc", "asc"] as const satisfies readonly SortDirection[];

export const DEFAULT_SORT: CandidateSort = "score";
export const DEFAULT_DIRECTION: SortDirection = "desc";
export const DEFAULT_PAGE_SIZE = 50;

/** Every parameter the page understands, with the name the merchant sees in messages. */
export const PARAM_LABELS = {
  q: "Search",
  minOrders: "Minimum orders",
  minSpent: "Minimum spend",
  withinDays: "Last order within",
  tag: "Customer tag",
  status: "Status",
  signal: "Signal",
  sort: "Sort",
  direction: "Sort direction",
  cursor: "Page",
  page: "Page number",
  pageSize: "Page size",
} as const;
export type CandidateParam = keyof typeof PARAM_LABELS;

export function readTextFilters(params: URLSearchParams): TextFilterValues {
  return Object.fromEntries(
    TEXT_FILTERS.map((key) => [key, params.get(key) ?? ""])
  ) as TextFilterValues;
}

export const STATUS_LABELS: Record<AmbassadorStatus, string> = {
  none: "New",
  invited: "Invited",
  approved: "Approved",
  dismissed: "Dismissed",
};

const isOneOf = <T extends string>(values: readonly T[], value: string | null): value is T =>
  value !== null && (values as readonly string[]).includes(value);

/**
 * The tab and sort a URL asks for (defaults where absent or unknown). The page shows the
 * ones of a navigation still loading, so a click shows at once.
 */
export function readView(params: URLSearchParams): {
  status: AmbassadorStatus | null;
  signal: CandidateSignal | null;
  sort: CandidateSort;
  direction: SortDirection;
} {
  const status = params.get("status");
  const signal = params.get("signal");
  const sort = params.get("sort");
  const direction = params.get("direction");
  return {
    status: isOneOf(STATUSES, status) ? status : null,
    signal: isOneOf(CANDIDATE_SIGNALS, signal) ? signal : null,
    sort: isOneOf(SORTS, sort) ? sort : DEFAULT_SORT,
    direction: isOneOf(DIRECTIONS, direction) ? direction : DEFAULT_DIRECTION,
  };
}

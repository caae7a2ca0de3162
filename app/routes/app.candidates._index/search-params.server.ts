import { z } from "zod";
import type { CandidateFilters, ListCandidatesOptions } from "~/models/Candidate/Candidate.server";
import { CANDIDATE_SIGNALS, type CandidateSignal } from "~/models/Candidate/explain";
import { SETTINGS_LIMITS } from "~/models/ProgramSettings/ProgramSettings.server";
import { parseMajorUnits } from "~/models/ProgramSettings/shop-money";
import {
  DEFAULT_DIRECTION,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SORT,
  DIRECTIONS,
  PARAM_LABELS,
  readTextFilters,
  SORTS,
  STATUSES,
  type CandidateParam,
  type TextFilterValues,
} from "./search-params";

export interface CandidateSearch {
  /** What reaches listCandidates: only the parameters that made sense. */
  options: ListCandidatesOptions & { filters: CandidateFilters };
  /** The text filters as the URL has them (valid or not), for the fields. */
  text: TextFilterValues;
  status: (typeof STATUSES)[number] | null;
  signal: CandidateSignal | null;
  /** 1-based number of the page the cursor leads to (display only). */
  page: number;
  sort: (typeof SORTS)[number];
  direction: (typeof DIRECTIONS)[number];
  /** Parameters that were ignored, and why, in the merchant's words. */
  errors: Partial<Record<CandidateParam, string>>;
  /** Whether any filter or search narrows the list (status excluded: it is a tab). */
  filtered: boolean;
}

const formatCount = (n: number) => n.toLocaleString("en");

function wholeNumber(min: number, max: number, label: string) {
  const message = `${label} must be a whole number from ${formatCount(min)} to ${formatCount(max)}`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

function text(maxLength: number, label: string) {
  return z.string().trim().max(maxLength, `${label} can be at most ${maxLength} characters`);
}

const schemas = {
  q: text(200, PARAM_LABELS.q),
  tag: text(255, PARAM_LABELS.tag),
  minOrders: wholeNumber(
    SETTINGS_LIMITS.minOrders.min,
    SETTINGS_LIMITS.minOrders.max,
    PARAM_LABELS.minOrders
  ),
  withinDays: wholeNumber(
    SETTINGS_LIMITS.recencyDays.min,
    SETTINGS_LIMITS.recencyDays.max,
    `${PARAM_LABELS.withinDays} (days)`
  ),
  signal: z.enum(CANDIDATE_SIGNALS, {
    errorMap: () => ({ message: `${PARAM_LABELS.signal} must be one of ${CANDIDATE_SIGNALS.join(", ")}` }),
  }),
  status: z.enum(STATUSES, {
    errorMap: () => ({ message: `${PARAM_LABELS.status} must be one of ${STATUSES.join(", ")}` }),
  }),
  sort: z.enum(SORTS, {
    errorMap: () => ({ message: `${PARAM_LABELS.sort} must be one of ${SORTS.join(", ")}` }),
  }),
  direction: z.enum(DIRECTIONS, {
    errorMap: () => ({ message: `${PARAM_LABELS.direction} must be asc or desc` }),
  }),
  cursor: z.string().max(2_000, "Page link is too long"),
  pageSize: wholeNumber(1, 250, PARAM_LABELS.pageSize),
  page: wholeNumber(1, 1_000_000, PARAM_LABELS.page),
};

/**
 * The page's URL → listCandidates options. Never throws: a parameter that does not make
 * sense is left out of the listing and reported in `errors` (the page says so).
 * `currencyCode` is the shop currency: minimum spend is typed in its major units.
 */
export function parseCandidateSearch(
  params: URLSearchParams,
  currencyCode: string | null
): CandidateSearch {
  const errors: CandidateSearch["errors"] = {};

  function read<K extends keyof typeof schemas>(key: K): z.output<(typeof schemas)[K]> | undefined {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") return undefined;
    const parsed = schemas[key].safeParse(raw);
    if (parsed.success) return parsed.data as z.output<(typeof schemas)[K]>;
    errors[key] = parsed.error.issues[0]?.message ?? `${PARAM_LABELS[key]} is not valid`;
    return undefined;
  }

  const filters: CandidateFilters = {};
  const q = read("q");
  if (q) filters.query = q;
  const tag = read("tag");
  if (tag) filters.tag = tag;
  const minOrders = read("minOrders");
  if (minOrders !== undefined) filters.minOrders = minOrders;
  const withinDays = read("withinDays");
  if (withinDays !== undefined) filters.lastOrderWithinDays = withinDays;
  const minSpent = params.get("minSpent")?.trim();
  if (minSpent) {
    const parsed = parseMajorUnits(minSpent, currencyCode, {
      label: PARAM_LABELS.minSpent,
      maxMinorUnits: SETTINGS_LIMITS.minSpentCents.max,
    });
    if (parsed.ok) filters.minSpentCents = parsed.minorUnits;
    else errors.minSpent = parsed.error;
  }
  const status = read("status") ?? null;
  if (status) filters.status = status;
  const signal = read("signal") ?? null;
  if (signal) filters.signal = signal;

  const sort = read("sort") ?? DEFAULT_SORT;
  const direction = read("direction") ?? DEFAULT_DIRECTION;
  const pageSize = read("pageSize") ?? DEFAULT_PAGE_SIZE;
  const cursor = read("cursor") ?? null;
  const page = cursor ? read("page") ?? 1 : 1;

  return {
    options: { filters, sort, direction, pageSize, cursor, withTotal: true },
    text: readTextFilters(params),
    status,
    signal,
    page,
    sort,
    direction,
    errors,
    filtered: Object.keys(filters).some((key) => key !== "status"),
  };
}

import type { GraphQLResolveInfo } from "graphql";
import type { ResolverContext } from "./context";
import { badArgument } from "./errors";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface PageInfoView {
  __typename: "PageInfo";
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionView<V> {
  __typename: string;
  edges: { __typename: string; cursor: string; node: V }[];
  nodes: V[];
  pageInfo: PageInfoView;
}

const MAX_PAGE_SIZE = 250;

/** Opaque cursors like Shopify's: base64 JSON naming the last item. */
export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id })).toString("base64");
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "number") return parsed.last_id;
  } catch {
    // fall through to the error below
  }
  throw badArgument(`Invalid cursor for current pagination sort.`);
}

/** Stable sort by key, ties by id, optionally reversed — the order Shopify pages in. */
export function sortRecords<T extends { id: number }>(
  records: T[],
  key: (record: T) => number | string,
  reverse: boolean | null | undefined,
): T[] {
  const sorted = [...records].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return a.id - b.id;
  });
  return reverse ? sorted.reverse() : sorted;
}

/**
 * One page of an already filtered and sorted list. Inside a bulk query there is no paging:
 * nested connections return everything and the root connection returns the runner's chunk.
 */
export function paginate<T extends { id: number }, V>(
  records: T[],
  args: ConnectionArgs,
  context: ResolverContext,
  info: GraphQLResolveInfo,
  nodeType: string,
  view: (record: T) => V,
): ConnectionView<V> {
  let start = 0;
  let end = records.length;
  if (context.bulk) {
    const isRoot = info.path.prev === undefined;
    if (isRoot) context.bulk.rootTotal = records.length;
    if (isRoot && context.bulk.rootSlice) {
      start = Math.min(records.length, context.bulk.rootSlice.offset);
      end = Math.min(records.length, start + context.bulk.rootSlice.limit);
    }
  } else {
    const { first, last } = args;
    if (first == null && last == null) throw badArgument("you must provide one of first or last");
    for (const [name, value] of [["first", first], ["last", last]] as const) {
      if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw badArgument(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}.`);
      }
    }
    const indexOfCursor = (cursor: string) => {
      const id = decodeCursor(cursor);
      const index = records.findIndex((r) => r.id === id);
      if (index === -1) throw badArgument("Invalid cursor for current pagination sort.");
      return index;
    };
    if (args.after) start = indexOfCursor(args.after) + 1;
    if (args.before) end = indexOfCursor(args.before);
    if (first != null) end = Math.min(end, start + first);
    if (last != null) start = Math.max(start, end - last);
  }
  const page = records.slice(start, Math.max(start, end));
  const nodes = page.map(view);
  const edges = page.map((record, i) => ({
    __typename: `${nodeType}Edge`,
    cursor: encodeCursor(record.id),
    node: nodes[i],
  }));
  return {
    __typename: `${nodeType}Connection`,
    edges,
    nodes,
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: start + page.length < records.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** `Count` objects: capped at `limit` (null = no cap), AT_LEAST when capped. */
export function countView(total: number, limit: number | null | undefined) {
  const capped = limit != null && total > limit;
  return { __typename: "Count", count: capped ? limit : total, precision: capped ? "AT_LEAST" : "EXACT" };
}

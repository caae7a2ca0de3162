/**
 * The applications queue: a shop's storefront applications by status, newest first, in
 * keyset pages on (createdAt, id) — the [shop, status, createdAt] index — so a page reads
 * 50 rows however long the queue grows, and a decision made on one page does not shift
 * the next. With each applicant, the repeat-buyer facts of their customer, when known.
 */
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { APPLICATION_TABS, type ApplicationTab } from "./tabs";

export const QUEUE_PAGE_SIZE = 50;

export interface QueueRow {
  id: string;
  name: string;
  email: string;
  socialHandle: string;
  reason: string;
  customerId: string | null;
  status: string;
  ambassadorId: string | null;
  submissions: number;
  createdAt: Date;
  decidedAt: Date | null;
  /** The customer's repeat-buyer facts, when the history sync knows them. */
  customer: { orderCount: number; netSpentCents: number } | null;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Cursor of the last row: the next (older) page starts after it. */
  nextCursor: string | null;
  /** Cursor of the first row: the previous (newer) page ends before it. */
  previousCursor: string | null;
  counts: Record<ApplicationTab, number>;
}

interface Position {
  createdAt: Date;
  id: string;
}

export function encodeCursor({ createdAt, id }: Position): string {
  return Buffer.from(`${createdAt.getTime()}:${id}`, "utf8").toString("base64url");
}

/** Null for anything that is not a cursor this page made. */
export function decodeCursor(value: string | null): Position | null {
  if (!value || value.length > 200) return null;
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) return null;
  const createdAt = new Date(Number(match[1]));
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: match[2] };
}

/** Rows strictly older (`after`) or strictly newer (`before`) than the position. */
function beyond(position: Position, side: "after" | "before"): Prisma.AmbassadorApplicationWhereInput {
  const op = side === "after" ? "lt" : "gt";
  return {
    OR: [
      { createdAt: { [op]: position.createdAt } },
      { createdAt: position.createdAt, id: { [op]: position.id } },
    ],
  };
}

export async function readQueue(
  shop: string,
  {
    tab,
    after = null,
    before = null,
    pageSize = QUEUE_PAGE_SIZE,
  }: { tab: ApplicationTab; after?: Position | null; before?: Position | null; pageSize?: number },
): Promise<QueuePage> {
  const where: Prisma.AmbassadorApplicationWhereInput = {
    shop,
    ...(tab === "all" ? {} : { status: tab }),
  };
  const backwards = before !== null && after === null;
  const cursor = backwards ? before : after;
  const direction = backwards ? "asc" : "desc";
  const fetched = await prisma.ambassadorApplication.findMany({
    where: cursor ? { AND: [where, beyond(cursor, backwards ? "before" : "after")] } : where,
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: pageSize + 1,
  });
  const more = fetched.length > pageSize;
  const page = fetched.slice(0, pageSize);
  if (backwards) page.reverse();

  const customerIds = [...new Set(page.map((a) => a.customerId).filter((id): id is string => !!id))];
  const [stats, grouped] = await Promise.all([
    customerIds.length
      ? prisma.customerStats.findMany({
          where: { shop, customerId: { in: customerIds } },
          select: { customerId: true, orderCount: true, netSpentCents: true },
        })
      : Promise.resolve([]),
    prisma.ambassadorApplication.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  const statsById = new Map(stats.map((s) => [s.customerId, s]));

  const counts = Object.fromEntries(APPLICATION_TABS.map((t) => [t, 0])) as Record<ApplicationTab, number>;
  for (const group of grouped) {
    counts.all += group._count._all;
    if (group.status in counts && group.status !== "all") counts[group.status as ApplicationTab] = group._count._all;
  }

  const rows: QueueRow[] = page.map((a) => {
    const s = a.customerId ? statsById.get(a.customerId) : undefined;
    return {
      id: a.id,
      name: a.name,
      email: a.email,
      socialHandle: a.socialHandle,
      reason: a.reason,
      customerId: a.customerId,
      status: a.status,
      ambassadorId: a.ambassadorId,
      submissions: a.submissions,
      createdAt: a.createdAt,
      decidedAt: a.decidedAt,
      customer: s ? { orderCount: s.orderCount, netSpentCents: Number(s.netSpentCents) } : null,
    };
  });

  const first = rows[0];
  const last = rows[rows.length - 1];
  // Forwards: a cursor means newer rows exist; backwards: one was read past the page.
  const hasPrevious = backwards ? more : cursor !== null;
  const hasNext = backwards ? true : more;
  return {
    rows,
    nextCursor: hasNext && last ? encodeCursor(last) : null,
    previousCursor: hasPrevious && first ? encodeCursor(first) : null,
    counts,
  };
}

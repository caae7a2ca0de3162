/**
 * What the admin shows of ambassadors: the list (status, code, clicks, orders, revenue)
 * and one ambassador's page (codes, history, content, feedback). Reads only.
 */
import prisma from "../../db.server";
import { attributedSales } from "../Storefront/Portal.server";
import { getAmbassadorProgram } from "../AmbassadorProgram/AmbassadorProgram.server";
import { shareLinkFor } from "../AmbassadorProgram/share-link";
import { AMBASSADOR_STATES, type AmbassadorState } from "./states";

export const AMBASSADORS_PAGE_SIZE = 50;

export interface AmbassadorResults {
  clicks: number;
  orders: number;
  revenueCents: number;
}

export interface AmbassadorListRow extends AmbassadorResults {
  id: string;
  name: string;
  email: string | null;
  status: AmbassadorState;
  code: string | null;
  /** The code works at checkout right now. */
  codeLive: boolean;
  /** A Shopify problem the merchant must look at. */
  problem: string | null;
  activatedAt: Date | null;
}

export interface AmbassadorListOptions {
  status?: AmbassadorState | null;
  /** Matches name, email or code. */
  query?: string;
  /** 1-based. */
  page?: number;
}

export function displayName(a: { firstName: string | null; lastName: string | null; email: string | null }) {
  return [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || "Unnamed ambassador";
}

/** Clicks, orders and revenue for several ambassadors (every code each ever held). */
export async function resultsFor(shop: string, ambassadorIds: string[]): Promise<Map<string, AmbassadorResults>> {
  const [clicks, codes] = await Promise.all([
    prisma.shareClick.groupBy({
      by: ["ambassadorId"],
      where: { shop, ambassadorId: { in: ambassadorIds } },
      _count: { _all: true },
    }),
    prisma.ambassadorCode.findMany({
      where: { shop, ambassadorId: { in: ambassadorIds }, shopifyState: { not: "failed" } },
      select: { ambassadorId: true, code: true },
    }),
  ]);
  const clicksBy = new Map(clicks.map((c) => [c.ambassadorId, c._count._all]));
  const results = new Map<string, AmbassadorResults>();
  for (const id of ambassadorIds) {
    const sales = await attributedSales(
      shop,
      codes.filter((c) => c.ambassadorId === id).map((c) => c.code),
    );
    results.set(id, { clicks: clicksBy.get(id) ?? 0, orders: sales.orders, revenueCents: sales.netCents });
  }
  return results;
}

export async function listAmbassadors(shop: string, options: AmbassadorListOptions = {}) {
  const page = Math.max(1, Math.trunc(options.page ?? 1));
  const text = options.query?.trim() ?? "";
  const where = {
    shop,
    ...(options.status ? { status: options.status } : {}),
    ...(text
      ? {
          OR: [
            { firstName: { contains: text } },
            { lastName: { contains: text } },
            { email: { contains: text.toLowerCase() } },
            { code: { contains: text.toUpperCase() } },
          ],
        }
      : {}),
  };
  const [rows, total, counts] = await Promise.all([
    prisma.ambassador.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * AMBASSADORS_PAGE_SIZE,
      take: AMBASSADORS_PAGE_SIZE,
    }),
    prisma.ambassador.count({ where }),
    prisma.ambassador.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  const live = new Set(
    (
      await prisma.ambassadorCode.findMany({
        where: { shop, code: { in: rows.flatMap((r) => (r.code ? [r.code] : [])) }, wanted: "active", shopifyState: "present" },
        select: { code: true },
      })
    ).map((c) => c.code),
  );
  const results = await resultsFor(shop, rows.map((r) => r.id));
  const ambassadors: AmbassadorListRow[] = rows.map((row) => ({
    id: row.id,
    name: displayName(row),
    email: row.email,
    status: row.status as AmbassadorState,
    code: row.code,
    codeLive: row.status === "active" && row.code !== null && live.has(row.code),
    problem: row.lastError,
    activatedAt: row.activatedAt,
    ...(results.get(row.id) as AmbassadorResults),
  }));
  const byStatus = Object.fromEntries(AMBASSADOR_STATES.map((s) => [s, 0])) as Record<AmbassadorState, number>;
  for (const c of counts) if (c.status in byStatus) byStatus[c.status as AmbassadorState] = c._count._all;
  return {
    ambassadors,
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / AMBASSADORS_PAGE_SIZE)),
    byStatus,
  };
}

/** One ambassador with everything the detail page shows, or null (not of this shop). */
export async function getAmbassadorDetail(shop: string, ambassadorId: string) {
  const ambassador = await prisma.ambassador.findFirst({ where: { id: ambassadorId, shop } });
  if (!ambassador) return null;
  const [codes, events, content, feedback, program, results, application] = await Promise.all([
    prisma.ambassadorCode.findMany({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" } }),
    prisma.ambassadorEvent.findMany({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" }, take: 100 }),
    prisma.contentSubmission.findMany({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" }, take: 50 }),
    prisma.ambassadorFeedback.findMany({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" }, take: 50 }),
    getAmbassadorProgram(shop),
    resultsFor(shop, [ambassadorId]),
    prisma.ambassadorApplication.findFirst({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" } }),
  ]);
  const current = codes.find((c) => c.code === ambassador.code) ?? null;
  return {
    ambassador: {
      ...ambassador,
      name: displayName(ambassador),
      status: ambassador.status as AmbassadorState,
    },
    code: current
      ? {
          code: current.code,
          live: ambassador.status === "active" && current.wanted === "active" && current.shopifyState === "present",
          state: current.shopifyState,
          shareLink: shareLinkFor(program.storefrontUrl, shop, current.code),
        }
      : null,
    codes,
    events,
    content,
    feedback,
    application,
    results: results.get(ambassadorId) as AmbassadorResults,
  };
}

import prisma from "../../db.server";
import type { Prisma } from "@prisma/client";
import { visitorPseudonym } from "./visitor.server";

/**
 * Fixed-window limits on storefront submissions, counted in RateLimitWindow so every app
 * instance shares them. A request takes one unit from each of its rules at once, or from
 * none: a refused request counts nowhere and stores nothing, and what earlier requests
 * stored is untouched.
 */
export interface RateLimitRule {
  /** e.g. "apply:client". */
  name: string;
  limit: number;
  windowMs: number;
  /**
   * Whose window: null for the whole shop, else an identity (connection, ambassador id).
   * The identity is stored only as a pseudonym that changes with every window.
   */
  identity: string | null;
}

const TEN_MINUTES = 10 * 60_000;
const ONE_HOUR = 60 * 60_000;

/** The storefront's limits. A genuine shopper never meets the per-client ones. */
export const STOREFRONT_RATE_LIMITS = {
  apply: { perClient: { limit: 5, windowMs: TEN_MINUTES }, perShop: { limit: 200, windowMs: TEN_MINUTES } },
  content: { perClient: { limit: 10, windowMs: ONE_HOUR }, perShop: { limit: 300, windowMs: TEN_MINUTES } },
  feedback: { perClient: { limit: 5, windowMs: ONE_HOUR }, perShop: { limit: 300, windowMs: TEN_MINUTES } },
} as const;

export type StorefrontAction = keyof typeof STOREFRONT_RATE_LIMITS;

/**
 * The rules of a storefront action: per shop and client, and per shop. Without a client
 * identity (no address reached us) only the shop's rule applies: a bucket shared by every
 * anonymous shopper would refuse genuine ones.
 */
export function storefrontRules(action: StorefrontAction, clientIdentity: string | null): RateLimitRule[] {
  const limits = STOREFRONT_RATE_LIMITS[action];
  return [
    ...(clientIdentity ? [{ name: `${action}:client`, identity: clientIdentity, ...limits.perClient }] : []),
    { name: `${action}:shop`, identity: null, ...limits.perShop },
  ];
}

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Windows are kept this long past their start, then deleted. */
const KEEP_WINDOWS_MS = 2 * ONE_HOUR;

class Refused extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("rate limited");
  }
}

/**
 * Adds one to the window's count while it is below `limit`, atomically for concurrent
 * requests (a conditional upsert, which Prisma's upsert cannot say). False when full.
 */
async function takeOne(tx: Prisma.TransactionClient, shop: string, key: string, windowStart: Date, limit: number) {
  const rows = await tx.$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitWindow" ("shop", "key", "windowStart", "count") VALUES (${shop}, ${key}, ${windowStart}, 1)
    ON CONFLICT ("shop", "key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
    WHERE "RateLimitWindow"."count" < ${limit}
    RETURNING "count"`;
  return rows.length > 0;
}

/** Takes one unit from every rule's current window, or refuses without counting. */
export async function takeRateLimit(
  shop: string,
  rules: RateLimitRule[],
  now: Date = new Date(),
): Promise<RateLimitResult> {
  try {
    await prisma.$transaction(async (tx) => {
      for (const rule of rules) {
        const windowStartMs = Math.floor(now.getTime() / rule.windowMs) * rule.windowMs;
        const key =
          rule.identity === null
            ? rule.name
            : `${rule.name}:${visitorPseudonym(rule.name, shop, String(windowStartMs), rule.identity)}`;
        if (!(await takeOne(tx, shop, key, new Date(windowStartMs), rule.limit))) {
          throw new Refused(Math.max(1, Math.ceil((windowStartMs + rule.windowMs - now.getTime()) / 1000)));
        }
      }
      await tx.rateLimitWindow.deleteMany({
        where: { shop, windowStart: { lt: new Date(now.getTime() - KEEP_WINDOWS_MS) } },
      });
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, retryAfterSeconds: error.retryAfterSeconds };
    throw error;
  }
}

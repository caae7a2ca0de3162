import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { storefrontRules, takeRateLimit, type RateLimitRule } from "../rate-limit.server";
import { storefrontShops } from "./storefront-fixtures";

const newShop = storefrontShops();

describe("storefront rate limits (fixed windows in RateLimitWindow)", () => {
  it("allows up to the limit per window, refuses beyond it, and allows again in the next window", async () => {
    const shop = newShop("rate-window");
    const rules: RateLimitRule[] = [{ name: "test:client", identity: "203.0.113.1|UA", limit: 3, windowMs: 60_000 }];
    const t0 = new Date("2026-01-01T10:00:05Z");
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await takeRateLimit(shop, rules, t0));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    expect(results[3]).toEqual({ ok: false, retryAfterSeconds: 55 });
    expect(await takeRateLimit(shop, rules, new Date("2026-01-01T10:01:00Z"))).toEqual({ ok: true });
  });

  it("counts per client and per shop, and a refused request counts nowhere", async () => {
    const shop = newShop("rate-scopes");
    const now = new Date("2026-01-01T12:00:00Z");
    const rules = (client: string): RateLimitRule[] => [
      { name: "t:client", identity: client, limit: 2, windowMs: 600_000 },
      { name: "t:shop", identity: null, limit: 3, windowMs: 600_000 },
    ];
    expect((await takeRateLimit(shop, rules("a"), now)).ok).toBe(true);
    expect((await takeRateLimit(shop, rules("a"), now)).ok).toBe(true);
    // Client a is at its limit: refused, and the shop's count does not move.
    expect((await takeRateLimit(shop, rules("a"), now)).ok).toBe(false);
    expect((await takeRateLimit(shop, rules("b"), now)).ok).toBe(true);
    // The shop is now at 3: client c is refused although it never sent anything.
    expect((await takeRateLimit(shop, rules("c"), now)).ok).toBe(false);
    const windows = await prisma.rateLimitWindow.findMany({ where: { shop } });
    expect(windows.find((w) => w.key === "t:shop")?.count).toBe(3);
    expect(windows.filter((w) => w.key.startsWith("t:client:")).map((w) => w.count).sort()).toEqual([1, 2]);
  });

  it("stores no client identity: the key is a pseudonym that changes with every window", async () => {
    const shop = newShop("rate-privacy");
    const identity = "198.51.100.23\u0000Mozilla/5.0";
    await takeRateLimit(shop, storefrontRules("apply", identity), new Date("2026-01-01T10:00:00Z"));
    await takeRateLimit(shop, storefrontRules("apply", identity), new Date("2026-01-01T10:20:00Z"));
    const keys = (await prisma.rateLimitWindow.findMany({ where: { shop } })).map((w) => w.key);
    expect(keys.join(" ")).not.toContain("198.51.100.23");
    expect(keys.join(" ")).not.toContain("Mozilla");
    const clientKeys = keys.filter((k) => k.startsWith("apply:client:"));
    expect(new Set(clientKeys).size).toBe(2);
  });

  it("applies only the shop's rule when no client address is known", () => {
    expect(storefrontRules("apply", null).map((r) => r.name)).toEqual(["apply:shop"]);
    expect(storefrontRules("apply", "198.51.100.1\u0000UA").map((r) => r.name)).toEqual(["apply:client", "apply:shop"]);
  });

  it("deletes windows older than two hours as it goes", async () => {
    const shop = newShop("rate-cleanup");
    const rules: RateLimitRule[] = [{ name: "t", identity: null, limit: 5, windowMs: 60_000 }];
    await takeRateLimit(shop, rules, new Date("2026-01-01T08:00:00Z"));
    await takeRateLimit(shop, rules, new Date("2026-01-01T11:00:00Z"));
    const windows = await prisma.rateLimitWindow.findMany({ where: { shop } });
    expect(windows.map((w) => w.windowStart.toISOString())).toEqual(["2026-01-01T11:00:00.000Z"]);
  });

  it("concurrent requests never exceed the limit", async () => {
    const shop = newShop("rate-concurrent");
    const rules: RateLimitRule[] = [{ name: "t", identity: null, limit: 7, windowMs: 600_000 }];
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 20 }, () => takeRateLimit(shop, rules, now)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
  });
});

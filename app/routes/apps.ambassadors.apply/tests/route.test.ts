import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  installShop,
  proxyRequest,
  respond,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { action, loader } from "../route";

const newShop = storefrontShops();

const valid = {
  name: "Ada Lovelace",
  email: "Ada@Example.com",
  social_handle: "@ada",
  reason: "The tea is wonderful.",
  consent: "on",
  website: "",
};

async function apply(shop: string, form: Record<string, string>, options: { customerId?: string; ip?: string } = {}) {
  const request = proxyRequest("/apps/ambassadors/apply", {
    shop,
    customerId: options.customerId ?? null,
    form,
    headers: { "X-Forwarded-For": options.ip ?? "203.0.113.10" },
  });
  const response = await respond(() => action({ request, params: {}, context: {} }));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("app proxy apply /apps/ambassadors/apply", () => {
  let shop: string;
  beforeAll(async () => {
    shop = newShop("apply");
    await installShop(shop);
  });

  it("stores a valid application as pending, email lower-cased, the logged-in customer linked", async () => {
    const { status, body, headers } = await apply(shop, valid, { customerId: "777" });
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("private, no-store");
    expect(body).toEqual({ ok: true, status: "pending", message: expect.any(String) });
    const stored = await prisma.ambassadorApplication.findUniqueOrThrow({
      where: { shop_email: { shop, email: "ada@example.com" } },
    });
    expect(stored).toMatchObject({
      name: "Ada Lovelace",
      socialHandle: "@ada",
      reason: "The tea is wonderful.",
      customerId: "777",
      status: "pending",
      submissions: 1,
    });
  });

  it("answers every invalid field with a code and stores nothing", async () => {
    const before = await prisma.ambassadorApplication.count({ where: { shop } });
    const { status, body } = await apply(shop, {
      name: "   ",
      email: "not-an-email",
      social_handle: "x".repeat(101),
      reason: "y".repeat(1001),
    });
    expect(status).toBe(422);
    expect(body).toEqual({
      ok: false,
      message: expect.any(String),
      fieldErrors: {
        name: { code: "required", message: expect.any(String) },
        email: { code: "invalid_email", message: expect.any(String) },
        social_handle: { code: "too_long", message: expect.any(String) },
        reason: { code: "too_long", message: expect.any(String) },
        consent: { code: "required", message: expect.any(String) },
      },
    });
    const tooLong = await apply(shop, { ...valid, name: "n".repeat(101), email: `${"e".repeat(250)}@x.io` });
    expect(tooLong.body.fieldErrors).toEqual({
      name: { code: "too_long", message: expect.any(String) },
      email: { code: "too_long", message: expect.any(String) },
    });
    const missingEmail = await apply(shop, { ...valid, email: "" });
    expect(missingEmail.body.fieldErrors.email.code).toBe("required");
    expect(await prisma.ambassadorApplication.count({ where: { shop } })).toBe(before);
  });

  it("answers a filled honeypot as if accepted and stores nothing", async () => {
    const before = await prisma.ambassadorApplication.count({ where: { shop } });
    const { status, body } = await apply(shop, { ...valid, email: "bot@example.com", website: "http://spam.example" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, status: "pending" });
    expect(await prisma.ambassadorApplication.count({ where: { shop } })).toBe(before);
  });

  it("merges a second application with the same email instead of duplicating it", async () => {
    const { body } = await apply(shop, { ...valid, email: "ADA@example.com ", reason: "Also the scones." }, { customerId: "777", ip: "203.0.113.11" });
    expect(body.ok).toBe(true);
    const rows = await prisma.ambassadorApplication.findMany({ where: { shop, email: "ada@example.com" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ submissions: 2, reason: "Also the scones.", customerId: "777" });
  });

  it("does not let a stranger rewrite someone's application: their answers only fill blanks", async () => {
    const { body } = await apply(
      shop,
      { ...valid, name: "Mallory", social_handle: "@mallory", reason: "" },
      { customerId: "666", ip: "203.0.113.12" },
    );
    expect(body.ok).toBe(true);
    const row = await prisma.ambassadorApplication.findUniqueOrThrow({ where: { shop_email: { shop, email: "ada@example.com" } } });
    expect(row).toMatchObject({ name: "Ada Lovelace", socialHandle: "@ada", reason: "Also the scones.", customerId: "777", submissions: 3 });
  });

  it("refuses a flood from one client with 429, keeping every application stored before", async () => {
    const flood = newShop("apply-flood");
    await installShop(flood);
    const genuine = await apply(flood, { ...valid, email: "genuine@example.com" }, { ip: "198.51.100.1" });
    expect(genuine.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await apply(flood, { ...valid, email: `spam${i}@example.com` }, { ip: "198.51.100.66" })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await apply(flood, { ...valid, email: "genuine@example.com", name: "Overwritten" }, { ip: "198.51.100.66" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.body).toEqual({ ok: false, message: expect.any(String) });
    const stored = await prisma.ambassadorApplication.findMany({ where: { shop: flood }, orderBy: { createdAt: "asc" } });
    expect(stored).toHaveLength(6);
    expect(stored.find((a) => a.email === "genuine@example.com")).toMatchObject({ name: "Ada Lovelace", submissions: 1 });
    // Another shopper is not held up by the flood.
    expect((await apply(flood, { ...valid, email: "next@example.com" }, { ip: "198.51.100.2" })).status).toBe(200);
  });

  it("refuses applications for a shop that has not installed the app", async () => {
    const closed = newShop("apply-closed");
    const { status, body } = await apply(closed, valid);
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(await prisma.ambassadorApplication.count({ where: { shop: closed } })).toBe(0);
  });

  it("refuses an oversized body with 413", async () => {
    const { status } = await apply(shop, { ...valid, reason: "z".repeat(20_000) });
    expect(status).toBe(413);
  });

  it("answers GET with 405", async () => {
    const request = proxyRequest("/apps/ambassadors/apply", { shop });
    const response = await respond(() => loader({ request, params: {}, context: {} }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  installShop,
  proxyRequest,
  respond,
  seedAmbassador,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { loader } from "../route";

const newShop = storefrontShops();
const shop = newShop("share-link");
const otherShop = newShop("share-link-other");

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

async function follow(code: string, options: { to?: string; ip?: string; ua?: string; method?: "GET" | "HEAD"; shop?: string } = {}) {
  const request = proxyRequest(`/apps/ambassadors/r/${code}`, {
    shop: options.shop ?? shop,
    method: options.method ?? "GET",
    query: options.to ? { to: options.to } : undefined,
    headers: { "X-Forwarded-For": `${options.ip ?? "203.0.113.9"}, 10.1.1.1`, "User-Agent": options.ua ?? CHROME },
  });
  return respond(() => loader({ request, params: { code }, context: {} }));
}

let jane: { id: string };

beforeAll(async () => {
  await installShop(shop);
  await installShop(otherShop);
  jane = await seedAmbassador(shop, { customerId: "101", code: "JANE123", previousCodes: ["JANE999"] });
  await seedAmbassador(shop, { customerId: "102", firstName: "Paul", status: "paused", code: "PAUL456", wanted: "inactive", shopifyState: "absent" });
  await seedAmbassador(shop, { customerId: "103", firstName: "Nina", code: "NINA777", shopifyState: "adding" });
  await seedAmbassador(shop, { customerId: "104", firstName: "Remy", status: "removed", code: "REMY321", wanted: "inactive", shopifyState: "absent" });
  await prisma.ambassadorProgram.create({ data: { shop, programDiscountId: "gid://shopify/DiscountCodeNode/1" } });
  await seedAmbassador(otherShop, { customerId: "101", firstName: "Olga", code: "OLGA555" });
});

describe("share link /apps/ambassadors/r/:code", () => {
  it("sends a live code to Shopify's discount route, landing on the home page", async () => {
    const response = await follow("JANE123");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/discount/JANE123?redirect=%2F");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("accepts the code in any case and lands on the page given in `to`", async () => {
    const response = await follow("jane123", { to: "/collections/summer?sort=price" });
    expect(response.headers.get("location")).toBe(
      "/discount/JANE123?redirect=%2Fcollections%2Fsummer%3Fsort%3Dprice",
    );
  });

  it("never redirects to another host", async () => {
    for (const to of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const response = await follow("JANE123", { to, ip: "203.0.113.50" });
      expect(response.headers.get("location")).toBe("/discount/JANE123?redirect=%2F");
    }
  });

  it.each([
    ["an unknown code", "NOPE000"],
    ["a removed ambassador's code", "REMY321"],
    ["a code Shopify does not have yet", "NINA777"],
    ["a retired code", "JANE999"],
    ["another shop's code", "OLGA555"],
    ["a malformed code", "JANE-123"],
  ])("sends %s to the home page with nothing applied, uncounted", async (_label, code) => {
    const before = await prisma.shareClick.count({ where: { shop } });
    const response = await follow(code);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    expect(await prisma.shareClick.count({ where: { shop } })).toBe(before);
  });

  it("counts one click per visitor per day, and stores neither IP nor user agent", async () => {
    const count = () => prisma.shareClick.count({ where: { shop, ambassadorId: jane.id } });
    const before = await count();
    await follow("JANE123", { ip: "198.51.100.1" });
    await follow("JANE123", { ip: "198.51.100.1" });
    await follow("jane123", { ip: "198.51.100.1", to: "/products/x" });
    expect(await count()).toBe(before + 1);
    await follow("JANE123", { ip: "198.51.100.2" });
    await follow("JANE123", { ip: "198.51.100.1", ua: CHROME.replace("140", "141") });
    expect(await count()).toBe(before + 3);

    const rows = await prisma.shareClick.findMany({ where: { shop } });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain("198.51.100");
    expect(stored).not.toContain("Mozilla");
    expect(rows.every((r) => r.code === "JANE123" && /^\d{4}-\d{2}-\d{2}$/.test(r.day))).toBe(true);
  });

  it("redirects link-preview bots and HEAD requests without counting them", async () => {
    const count = () => prisma.shareClick.count({ where: { shop, ambassadorId: jane.id } });
    const before = await count();
    const bot = await follow("JANE123", { ip: "198.51.100.77", ua: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" });
    const head = await follow("JANE123", { ip: "198.51.100.78", method: "HEAD" });
    expect(bot.headers.get("location")).toBe("/discount/JANE123?redirect=%2F");
    expect(head.headers.get("location")).toBe("/discount/JANE123?redirect=%2F");
    expect(await count()).toBe(before);
  });

  describe("a paused code", () => {
    const clicks = () => prisma.shareClick.count({ where: { shop } });

    async function pausedPage(response: Response) {
      expect(response.status).toBe(200);
      expect(response.headers.get("location")).toBeNull();
      // Liquid: Shopify renders it in the store's theme, as a page of the store.
      expect(response.headers.get("content-type")).toMatch(/^application\/liquid/);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      const body = await response.text();
      expect(body).toContain("This offer is paused");
      expect(body).not.toContain("/discount/");
      return body;
    }

    it("lands a paused ambassador's link on the paused page, nothing applied or counted", async () => {
      const before = await clicks();
      const body = await pausedPage(await follow("paul456", { to: "/products/tote", ip: "198.51.100.90" }));
      expect(body).toContain('href="/products/tote"');
      expect(await clicks()).toBe(before);
    });

    it("lands every live code on the paused page while the merchant has paused all codes", async () => {
      const before = await clicks();
      await prisma.ambassadorProgram.update({ where: { shop }, data: { codesPausedAt: new Date() } });
      try {
        await pausedPage(await follow("JANE123", { ip: "198.51.100.91" }));
        await pausedPage(await follow("NINA777", { ip: "198.51.100.91" }));
        // What was never a live code still goes home.
        for (const code of ["JANE999", "REMY321", "NOPE000"]) {
          expect((await follow(code, { ip: "198.51.100.91" })).headers.get("location")).toBe("/");
        }
        // Another shop's codes are not paused by this one.
        expect((await follow("OLGA555", { shop: otherShop, ip: "198.51.100.91" })).headers.get("location")).toBe("/discount/OLGA555?redirect=%2F");
      } finally {
        await prisma.ambassadorProgram.update({ where: { shop }, data: { codesPausedAt: null } });
      }
      expect(await clicks()).toBe(before);
      expect((await follow("JANE123", { ip: "198.51.100.91" })).headers.get("location")).toBe("/discount/JANE123?redirect=%2F");
      expect(await clicks()).toBe(before + 1);
    });

    it("never puts the request's text into the Liquid it answers with", async () => {
      for (const to of ["/{{ customer.email }}", "/x{% render 'y' %}", '/"><script>alert(1)</script>', "https://evil.example/", "//evil.example"]) {
        const body = await pausedPage(await follow("PAUL456", { to }));
        expect(body).toContain('href="/"');
        expect(body).not.toContain("customer.email");
        expect(body).not.toContain("<script>");
        expect(body).not.toContain("evil.example");
      }
      // Ampersands in a plain landing path are escaped for the attribute.
      expect(await pausedPage(await follow("PAUL456", { to: "/search?q=tote&page=2" }))).toContain('href="/search?q=tote&amp;page=2"');
    });
  });
});

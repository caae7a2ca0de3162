import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  installShop,
  proxyRequest,
  respond,
  seedAmbassador,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { action } from "../route";

const newShop = storefrontShops();
const shop = newShop("content");

async function send(customerId: string | null, form: Record<string, string>) {
  const request = proxyRequest("/apps/ambassadors/content", { shop, customerId, form });
  const response = await respond(() => action({ request, params: {}, context: {} }));
  return { status: response.status, body: await response.json() };
}

let jane: { id: string };

beforeAll(async () => {
  await installShop(shop);
  jane = await seedAmbassador(shop, { customerId: "301", code: "JANE123" });
  await seedAmbassador(shop, { customerId: "302", status: "paused", firstName: "Paul" });
  await seedAmbassador(shop, { customerId: "303", status: "removed", firstName: "Remy" });
  await seedAmbassador(shop, { customerId: "304", status: "invited", firstName: "Ivy" });
});

describe("app proxy content /apps/ambassadors/content", () => {
  it("stores an ambassador's link and note", async () => {
    const { status, body } = await send("301", { url: " https://www.youtube.com/watch?v=abc ", note: "My unboxing" });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, message: expect.any(String) });
    const rows = await prisma.contentSubmission.findMany({ where: { shop, ambassadorId: jane.id } });
    expect(rows).toEqual([expect.objectContaining({ url: "https://www.youtube.com/watch?v=abc", note: "My unboxing" })]);
  });

  it("lets a paused ambassador send too", async () => {
    expect((await send("302", { url: "https://blog.example/post" })).status).toBe(200);
  });

  it.each([
    ["nobody logged in", null],
    ["a customer who is not an ambassador", "399"],
    ["a removed ambassador", "303"],
    ["an invited customer", "304"],
  ])("refuses %s with 403 and stores nothing", async (_label, customerId) => {
    const before = await prisma.contentSubmission.count({ where: { shop } });
    const { status, body } = await send(customerId, { url: "https://blog.example/x" });
    expect(status).toBe(403);
    expect(body).toEqual({ ok: false, message: expect.any(String) });
    expect(await prisma.contentSubmission.count({ where: { shop } })).toBe(before);
  });

  it("answers invalid links and long notes with field errors", async () => {
    const before = await prisma.contentSubmission.count({ where: { shop } });
    for (const url of ["javascript:alert(1)", "not a link", "ftp://files.example/x", "https://localhost"]) {
      const { status, body } = await send("301", { url });
      expect(status).toBe(422);
      expect(body.fieldErrors.url.code).toBe("invalid_url");
    }
    const missing = await send("301", { url: "", note: "n".repeat(501) });
    expect(missing.body.fieldErrors).toEqual({
      url: { code: "required", message: expect.any(String) },
      note: { code: "too_long", message: expect.any(String) },
    });
    expect(await prisma.contentSubmission.count({ where: { shop } })).toBe(before);
  });

  it("refuses a flood with 429 and keeps what was sent before", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await send("301", { url: `https://blog.example/${i}` })).status);
    // One was sent in the first test: 10 per hour per ambassador.
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(statuses.slice(9)).toEqual([429, 429, 429]);
    expect(await prisma.contentSubmission.count({ where: { shop, ambassadorId: jane.id } })).toBe(10);
  });
});

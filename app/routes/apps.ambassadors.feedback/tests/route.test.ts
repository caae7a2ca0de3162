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
const shop = newShop("feedback");

async function send(customerId: string | null, form: Record<string, string>) {
  const request = proxyRequest("/apps/ambassadors/feedback", { shop, customerId, form });
  const response = await respond(() => action({ request, params: {}, context: {} }));
  return { status: response.status, body: await response.json() };
}

let jane: { id: string };

beforeAll(async () => {
  await installShop(shop);
  jane = await seedAmbassador(shop, { customerId: "401", code: "JANE123" });
});

describe("app proxy feedback /apps/ambassadors/feedback", () => {
  it("stores an ambassador's feedback, with or without a rating", async () => {
    expect((await send("401", { rating: "4", message: "More colours please" })).body).toEqual({
      ok: true,
      message: expect.any(String),
    });
    expect((await send("401", { rating: "", message: "Fast shipping" })).status).toBe(200);
    expect((await send("401", { message: "No rating field at all" })).status).toBe(200);
    const rows = await prisma.ambassadorFeedback.findMany({ where: { shop, ambassadorId: jane.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.rating, r.message])).toEqual([
      [4, "More colours please"],
      [null, "Fast shipping"],
      [null, "No rating field at all"],
    ]);
  });

  it("refuses anyone who is not an ambassador with 403", async () => {
    expect((await send(null, { message: "hi" })).status).toBe(403);
    expect((await send("499", { message: "hi" })).status).toBe(403);
  });

  it("answers a bad rating or a missing or long message with field errors", async () => {
    const before = await prisma.ambassadorFeedback.count({ where: { shop } });
    for (const rating of ["0", "6", "4.5", "five"]) {
      const { status, body } = await send("401", { rating, message: "ok" });
      expect(status).toBe(422);
      expect(body.fieldErrors).toEqual({ rating: { code: "invalid_rating", message: expect.any(String) } });
    }
    expect((await send("401", { message: " " })).body.fieldErrors.message.code).toBe("required");
    expect((await send("401", { message: "m".repeat(2001) })).body.fieldErrors.message.code).toBe("too_long");
    expect(await prisma.ambassadorFeedback.count({ where: { shop } })).toBe(before);
  });

  it("refuses a flood with 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send("401", { message: `note ${i}` })).status);
    // Three were sent above: 5 per hour per ambassador.
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(await prisma.ambassadorFeedback.count({ where: { shop } })).toBe(5);
  });
});

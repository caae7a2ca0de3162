import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";

const shops = ["rolled-back.myshopify.com", "concurrent.myshopify.com"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the SQLite connection shared by concurrent requests", () => {
  afterAll(() => prisma.shop.deleteMany({ where: { shop: { in: shops } } }));

  it("keeps a write made during another request's transaction when that transaction rolls back", async () => {
    const failing = prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { shop: shops[0] } });
      await sleep(100);
      throw new Error("duplicate delivery");
    });
    await sleep(20);
    // Another request writes while the transaction above is still open.
    await prisma.shop.create({ data: { shop: shops[1] } });

    await expect(failing).rejects.toThrow("duplicate delivery");
    expect(await prisma.shop.findUnique({ where: { shop: shops[0] } })).toBeNull();
    expect(await prisma.shop.findUnique({ where: { shop: shops[1] } })).not.toBeNull();
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { approveCandidates } from "~/models/Ambassador/Ambassador.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { loader as listLoader } from "../../app.ambassadors._index/route";
import { action, loader } from "../route";

const OTHER_SHOP = uniqueShop("other");

const detail = (id: string) => adminLoad(loader, `/app/ambassadors/${id}`, { id });
async function act(id: string, fields: Record<string, string>) {
  const result = await adminPost(action, `/app/ambassadors/${id}`, fields, { id });
  await drainJobs();
  return result;
}
const list = (query = "") => adminLoad(listLoader, `/app/ambassadors${query}`);
function programCodes(shop: LocalShop) {
  // Each test starts a new program (fresh database), so look at every program discount.
  return shop.store.discounts
    .filter((d) => d.title === "Ambassador program")
    .flatMap((d) => d.codes.map((c) => c.code))
    .sort();
}

describe("Ambassadors pages", () => {
  let shop: LocalShop;
  let ids: string[];

  beforeAll(async () => {
    shop = await startTestShop({ seed: { customers: 6, orders: 0, seed: 3 } });
    await adminClientFor(shop);
  });
  beforeEach(async () => {
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    for (const d of shop.store.discounts) for (const c of d.codes.slice()) shop.store.removeRedeemCode(d.id, c.id);
    await storeCandidates(TEST_SHOP, shop.store.customers.slice(0, 3));
    const approved = await approveCandidates(TEST_SHOP, shop.store.customers.slice(0, 3).map((c) => c.legacyResourceId));
    ids = approved.approved;
    enqueueProvisioning(TEST_SHOP);
    await drainJobs();
  });
  afterAll(async () => {
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  it("lists ambassadors with their live codes, clicks and counts per status", async () => {
    await prisma.shareClick.create({ data: { shop: TEST_SHOP, ambassadorId: ids[0], day: "2026-11-25", visitorHash: "v1", code: "X" } });
    const data = await list();
    expect(data.total).toBe(3);
    expect(data.byStatus).toEqual({ invited: 0, active: 3, paused: 0, removed: 0 });
    expect(data.rows.every((r) => r.codeLive && r.code && programCodes(shop).includes(r.code))).toBe(true);
    expect(data.rows.find((r) => r.id === ids[0])?.clicks).toBe(1);
    expect(data.batches).toEqual([]);
  });

  it("searches by code and filters by status", async () => {
    const { code } = (await prisma.ambassador.findUniqueOrThrow({ where: { id: ids[1] } }));
    expect((await list(`?q=${code?.toLowerCase()}`)).rows.map((r) => r.id)).toEqual([ids[1]]);
    await act(ids[0], { intent: "pause" });
    expect((await list("?status=paused")).rows.map((r) => r.id)).toEqual([ids[0]]);
  });

  it("pause switches the code off in Shopify; reactivate brings the same code back", async () => {
    const before = await detail(ids[0]);
    expect(before.code?.live).toBe(true);
    expect(await act(ids[0], { intent: "pause" })).toMatchObject({ ok: true });
    const paused = await detail(ids[0]);
    expect(paused.ambassador.status).toBe("paused");
    expect(paused.code?.live).toBe(false);
    expect(programCodes(shop)).not.toContain(before.code?.code);

    expect(await act(ids[0], { intent: "reactivate" })).toMatchObject({ ok: true });
    expect((await detail(ids[0])).code).toMatchObject({ code: before.code?.code, live: true });
  });

  it("a merchant's code is validated; a valid one replaces the old code in Shopify", async () => {
    const before = await detail(ids[0]);
    expect(await act(ids[0], { intent: "changeCode", code: "no" })).toEqual({
      ok: false,
      intent: "changeCode",
      error: "Use at least 4 characters.",
    });
    expect(await act(ids[0], { intent: "changeCode", code: "summer25" })).toMatchObject({ ok: true });
    const after = await detail(ids[0]);
    expect(after.code).toMatchObject({ code: "SUMMER25", live: true });
    expect(after.pastCodes.map((c) => c.code)).toEqual([before.code?.code]);
    expect(programCodes(shop)).toContain("SUMMER25");
    expect(programCodes(shop)).not.toContain(before.code?.code);
    expect(after.events.map((e) => e.kind)).toContain("code_changed");
  });

  it("another shop's ambassador is not found, and its actions change nothing", async () => {
    const foreign = await prisma.ambassador.create({
      data: { shop: OTHER_SHOP, status: "active", source: "candidate", firstName: "Other" },
    });
    await expect(detail(foreign.id)).rejects.toMatchObject({ status: 404 });
    expect(await act(foreign.id, { intent: "pause" })).toMatchObject({ ok: false });
    expect((await prisma.ambassador.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("active");
    expect((await list()).rows.map((r) => r.id)).not.toContain(foreign.id);
  });

  it("notes are saved; too long notes are refused", async () => {
    expect(await act(ids[0], { intent: "notes", notes: "Met at the pop-up" })).toMatchObject({ ok: true });
    expect((await detail(ids[0])).ambassador.notes).toBe("Met at the pop-up");
    expect(await act(ids[0], { intent: "notes", notes: "x".repeat(5001) })).toMatchObject({ ok: false, intent: "notes" });
    expect(await act(ids[0], { intent: "explode" })).toMatchObject({ ok: false, error: "Unknown action: nothing was changed." });
  });
});

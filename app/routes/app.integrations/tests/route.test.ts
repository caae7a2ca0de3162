import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { LocalShop } from "#/local-shop";
import { startLocalKlaviyo, type LocalKlaviyo } from "#/local-klaviyo/server";
import { adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { klaviyoCredentials } from "~/models/ProgramEvents/KlaviyoConnection.server";
import { action, loader } from "../route";

const KEY = "pk_local_secret_key_7f3a9c";

async function load() {
  return loader({ request: await adminRequest("/app/integrations"), params: {}, context: {} });
}

async function post(fields: Record<string, string>) {
  return action({
    request: await adminRequest("/app/integrations", { method: "POST", body: new URLSearchParams(fields) }),
    params: {},
    context: {},
  });
}

let shop: LocalShop;
let klaviyo: LocalKlaviyo;

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 1, orders: 0, seed: 3 } });
  klaviyo = await startLocalKlaviyo({ keys: [KEY] });
  process.env.KLAVIYO_API_URL = klaviyo.url;
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  delete process.env.KLAVIYO_API_URL;
  await klaviyo?.close();
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP);
  klaviyo.outage = false;
});

describe("Email and automation page", () => {
  it("checks the key with Klaviyo, stores it encrypted, and never returns it", async () => {
    const saved = await post({ intent: "save-klaviyo-key", apiKey: ` ${KEY} ` });
    expect(saved).toMatchObject({ ok: true });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    expect(klaviyo.requests).toContainEqual({ method: "GET", path: "/api/accounts", status: 200 });

    const row = await prisma.klaviyoConnection.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(row.encryptedKey).not.toContain(KEY);
    expect(Buffer.from(row.encryptedKey, "base64").toString("latin1")).not.toContain(KEY);
    expect((await klaviyoCredentials(TEST_SHOP))?.apiKey).toBe(KEY);

    const page = await load();
    expect(page.klaviyo).toMatchObject({ connected: true, keyHint: "7f3a9c".slice(-4) });
    expect(JSON.stringify(page)).not.toContain(KEY);
    expect(JSON.stringify(page)).not.toContain(KEY.slice(0, -4));
  });

  it("a key Klaviyo refuses, or that is not a private key, is not saved and the field says why", async () => {
    const refused = await post({ intent: "save-klaviyo-key", apiKey: "pk_not_a_real_key_123" });
    expect(refused).toEqual({ ok: false, errors: { apiKey: expect.stringMatching(/Klaviyo refused this key/) } });
    expect(JSON.stringify(refused)).not.toContain("pk_not_a_real_key_123");

    expect(await post({ intent: "save-klaviyo-key", apiKey: "" })).toEqual({
      ok: false,
      errors: { apiKey: "Paste your Klaviyo private API key." },
    });
    expect(await post({ intent: "save-klaviyo-key", apiKey: "pub_ABC123" })).toMatchObject({
      ok: false,
      errors: { apiKey: expect.stringMatching(/starts with pk_/) },
    });

    klaviyo.outage = true;
    expect(await post({ intent: "save-klaviyo-key", apiKey: KEY })).toMatchObject({
      ok: false,
      errors: { apiKey: expect.stringMatching(/could not check the key right now/) },
    });
    expect(await prisma.klaviyoConnection.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect((await load()).klaviyo.connected).toBe(false);
  });

  it("disconnecting deletes the key", async () => {
    await post({ intent: "save-klaviyo-key", apiKey: KEY });
    expect(await post({ intent: "remove-klaviyo-key" })).toMatchObject({ ok: true });
    expect(await prisma.klaviyoConnection.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect((await load()).klaviyo).toMatchObject({ connected: false, keyHint: null });
  });
});

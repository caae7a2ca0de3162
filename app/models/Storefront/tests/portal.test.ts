import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadPortal } from "../Portal.server";
import { seedAmbassador, storefrontShops } from "./storefront-fixtures";

// What the portal tells an ambassador while codes or the program are paused, and their
// rewards in the shop's currency. The proxy route's own test covers the rest of the view.
const newShop = storefrontShops();
const shop = newShop("portal-model");
const yenShop = newShop("portal-model-yen");

const ANNA = "301"; // active, code live in Shopify
const PIA = "302"; // paused by the merchant
const NEW = "303"; // active, code not in Shopify yet

const view = (customerId: string, forShop = shop) => loadPortal(forShop, customerId, { installed: true });
const setProgram = (data: { codesPausedAt?: Date | null; pausedAt?: Date | null }) =>
  prisma.ambassadorProgram.update({ where: { shop }, data });

beforeAll(async () => {
  await prisma.programSettings.createMany({ data: [{ shop, currencyCode: "EUR" }, { shop: yenShop, currencyCode: "JPY" }] });
  await prisma.ambassadorProgram.create({ data: { shop, storefrontUrl: "https://shop.example", programDiscountId: "gid://shopify/DiscountCodeNode/1" } });
  await seedAmbassador(shop, { customerId: ANNA, firstName: "Anna", code: "ANNA100" });
  await seedAmbassador(shop, { customerId: PIA, firstName: "Pia", status: "paused", code: "PIA200", wanted: "inactive", shopifyState: "absent" });
  await seedAmbassador(shop, { customerId: NEW, firstName: "Nea", code: "NEA300", shopifyState: "adding" });
  const yen = await seedAmbassador(yenShop, { customerId: ANNA, firstName: "Anna", code: "ANNA100" });
  await prisma.rewardEntry.createMany({
    data: [
      { shop: yenShop, ambassadorId: yen.id, sourceKey: "order:1:1", kind: "commission", amountCents: 1200n, status: "pending" },
      { shop: yenShop, ambassadorId: yen.id, sourceKey: "order:2:1", kind: "commission", amountCents: 350n, status: "paid" },
    ],
  });
});

describe("the portal while codes are paused", () => {
  it("hands out a live code and link while nothing is paused", async () => {
    expect((await view(ANNA)).ambassador).toMatchObject({
      code: "ANNA100",
      codeLive: true,
      shareUrl: "https://shop.example/apps/ambassadors/r/ANNA100",
      sharingPaused: null,
      programPaused: false,
    });
    expect((await view(PIA)).ambassador).toMatchObject({ codeLive: false, shareUrl: null, sharingPaused: "ambassador" });
  });

  it("after 'Pause all codes now', says the codes are paused and hands out no link, until they are back on", async () => {
    await setProgram({ codesPausedAt: new Date() });
    try {
      expect((await view(ANNA)).ambassador).toMatchObject({ code: "ANNA100", codeLive: false, shareUrl: null, sharingPaused: "program" });
      // Their own pause says more than the program's: it outlasts "Turn codes back on".
      expect((await view(PIA)).ambassador).toMatchObject({ sharingPaused: "ambassador" });
      expect((await view(NEW)).ambassador).toMatchObject({ codeLive: false, sharingPaused: "program" });
    } finally {
      await setProgram({ codesPausedAt: null });
    }
    expect((await view(ANNA)).ambassador).toMatchObject({ codeLive: true, sharingPaused: null });
  });

  it("while the program is paused, keeps a working code and link and says the program is paused", async () => {
    await setProgram({ pausedAt: new Date() });
    try {
      const anna = await view(ANNA);
      // The program discount is still on in Shopify: the code still applies at checkout.
      expect(anna.ambassador).toMatchObject({ codeLive: true, shareUrl: expect.stringContaining("/r/ANNA100"), sharingPaused: null, programPaused: true });
      expect((await view(NEW)).ambassador).toMatchObject({ codeLive: false, sharingPaused: null, programPaused: true });
    } finally {
      await setProgram({ pausedAt: null });
    }
  });

  it("reads the pause of the ambassador's own shop only", async () => {
    await setProgram({ codesPausedAt: new Date() });
    try {
      expect((await view(ANNA, yenShop)).ambassador).toMatchObject({ codeLive: true, sharingPaused: null });
    } finally {
      await setProgram({ codesPausedAt: null });
    }
  });
});

describe("the portal's rewards", () => {
  it("shows nothing earned yet as zero amounts in the shop's currency", async () => {
    expect((await view(ANNA)).ambassador?.rewards).toEqual({ pending: "€0.00", ready: "€0.00", paid: "€0.00" });
  });

  it("formats each amount in the shop's currency, with its own decimals", async () => {
    expect((await view(ANNA, yenShop)).ambassador?.rewards).toEqual({ pending: "¥1,200", ready: "¥0", paid: "¥350" });
  });
});

/**
 * Gift packages: records the gifts the merchant's rules call for (welcome on approval, a
 * tier or milestone reached) and creates the pending ones as free draft orders in Shopify,
 * paced on the leaky bucket (models/Gifts/Gifts.server.ts).
 */
import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import { createPendingGifts, hasPendingGifts, recordDueGifts, shopsWithPendingGifts, type GiftCreated } from "../models/Gifts/Gifts.server";
import { isProgramPaused } from "../models/AmbassadorProgram/ProgramPause.server";
import { enqueueProgramEventDelivery } from "./program-events.server";
import { enqueueJob, type JobDefinition } from "./runner.server";

// GIFT_BACKOFF_MS: the first wait after a THROTTLED answer (tests use a short one).
const throttleBackoffMs = Number(process.env.GIFT_BACKOFF_MS) || 1000;

export const giftJob: JobDefinition<{ shop: string }> = {
  name: "ambassador-gifts",
  key: ({ shop }) => shop,
  // A seasonal batch of thousands of draft orders at 10 points each, on a 100 points/s bucket.
  expireInSeconds: 60 * 60,
  async run({ shop }) {
    if (await isProgramPaused(prisma, shop)) return;
    await recordDueGifts(shop);
    if (!(await hasPendingGifts(shop))) return;
    const { admin } = await unauthenticated.admin(shop);
    const report = await createPendingGifts(admin.graphql, shop, { throttleBackoffMs });
    await giftsCreated(shop, report.created);
  },
};

/**
 * Each gift this run created in Shopify, once its row (and its program event) says so:
 * the event goes to Flow and Klaviyo now rather than at the next sweep.
 */
async function giftsCreated(shop: string, created: GiftCreated[]): Promise<void> {
  for (const gift of created) {
    console.info(`Gift ${gift.giftId} (${gift.occasionLabel}) created as ${gift.draftOrderName} in ${gift.shop}`);
  }
  if (created.length > 0) void enqueueProgramEventDelivery(shop);
}

/** After approvals, tier changes, milestones or a seasonal batch; returns at once. */
export function enqueueGifts(shop: string) {
  void enqueueJob(giftJob, { shop });
}

/** Waits for the run (the seasonal batch form shows progress from the rows meanwhile). */
export function runGiftsNow(shop: string) {
  return enqueueJob(giftJob, { shop });
}

/** After a restart: every shop with gifts still to create in Shopify. */
export async function recoverGifts() {
  const shops = await shopsWithPendingGifts();
  for (const shop of shops) enqueueGifts(shop);
  return shops.length;
}

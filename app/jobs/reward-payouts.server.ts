/**
 * Sends the shop's reward code and store credit payouts through the Admin API, in the
 * background. Each payout is idempotent (see app/models/Rewards/Payouts.server.ts), so a
 * restart simply runs the job again for every shop with payouts still to send.
 */
import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import { sendPayouts } from "../models/Rewards/Payouts.server";
import { isProgramPaused } from "../models/AmbassadorProgram/ProgramPause.server";
import { enqueueJob, type JobDefinition } from "./runner.server";

export const payoutJob: JobDefinition<{ shop: string }> = {
  name: "reward-payouts",
  key: ({ shop }) => shop,
  async run({ shop }) {
    // Paused or uninstalled: payouts wait until the merchant resumes the program.
    if (await isProgramPaused(prisma, shop)) return;
    const { admin } = await unauthenticated.admin(shop);
    await sendPayouts(admin.graphql, shop);
  },
};

/** After creating reward code / store credit payouts; returns when they are sent. */
export function enqueuePayouts(shop: string) {
  return enqueueJob(payoutJob, { shop });
}

/** After a restart: payouts that were pending or mid-send. */
export async function recoverPayouts() {
  const rows = await prisma.payout.findMany({
    where: { method: { in: ["discount_code", "store_credit"] }, status: { in: ["pending", "sending"] } },
    distinct: ["shop"],
    select: { shop: true },
  });
  for (const { shop } of rows) void enqueuePayouts(shop);
  return rows.length;
}

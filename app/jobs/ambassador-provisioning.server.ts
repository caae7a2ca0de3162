import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import {
  DEFAULT_PROVISIONING_OPTIONS,
  provisionAmbassadors,
  type ProvisioningOptions,
} from "../models/Ambassador/CodeProvisioning.server";
import { isProgramPaused } from "../models/AmbassadorProgram/ProgramPause.server";
import { enqueueGifts } from "./gifts.server";
import { enqueueJob, type JobDefinition } from "./runner.server";

// PROVISIONING_POLL_MS: how often a running bulk code creation is looked at (tests and the
// demo use a short interval).
const options: ProvisioningOptions = {
  ...DEFAULT_PROVISIONING_OPTIONS,
  pollIntervalMs: Number(process.env.PROVISIONING_POLL_MS) || DEFAULT_PROVISIONING_OPTIONS.pollIntervalMs,
};

/** Brings Shopify in line with the shop's ambassadors (codes, tags, metafields, Flow). */
export const provisioningJob: JobDefinition<{ shop: string }> = {
  name: "ambassador-provisioning",
  key: ({ shop }) => shop,
  // Bulk code creation for thousands of ambassadors waits on Shopify's jobs.
  expireInSeconds: 2 * 60 * 60,
  async run({ shop }) {
    // Paused or uninstalled: nothing changes in Shopify until the merchant resumes (which enqueues this again).
    if (await isProgramPaused(prisma, shop)) return;
    const { admin } = await unauthenticated.admin(shop);
    await provisionAmbassadors(admin.graphql, shop, options);
    // Approved ambassadors are now linked to a customer: their welcome package can go out.
    enqueueGifts(shop);
  },
};

/** Call after any lifecycle change; returns at once (the work shows up as progress). */
export function enqueueProvisioning(shop: string) {
  void enqueueJob(provisioningJob, { shop });
}

/** After a restart: every shop with codes or welcomes still to carry out in Shopify. */
export async function recoverProvisioning() {
  const codes = await prisma.ambassadorCode.findMany({
    where: {
      OR: [
        { shopifyState: { in: ["adding", "removing"] } },
        { wanted: "active", shopifyState: "absent", error: null },
        { wanted: { not: "active" }, shopifyState: "present" },
      ],
    },
    distinct: ["shop"],
    select: { shop: true },
  });
  const welcomes = await prisma.ambassador.findMany({
    where: { status: "active", lastError: null, OR: [{ welcomeSyncedAt: null }, { metafieldsCode: null }] },
    distinct: ["shop"],
    select: { shop: true },
  });
  const shops = new Set([...codes, ...welcomes].map((row) => row.shop));
  for (const shop of shops) enqueueProvisioning(shop);
  return shops.size;
}

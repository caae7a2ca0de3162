/**
 * Delivers the program-event outbox (app/models/ProgramEvents) to Shopify Flow and
 * Klaviyo: one run per shop at a time. The sweep, every minute, sends a run for each shop
 * with events waiting (new ones, or Klaviyo's whose backoff has passed), so a moment
 * recorded anywhere reaches the merchant's tools without its caller enqueuing anything.
 */
import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import { deliverProgramEvents, shopsWithEventsToDeliver } from "../models/ProgramEvents/delivery.server";
import { enqueueJob, periodicJob, type JobDefinition } from "./runner.server";

export const programEventDeliveryJob: JobDefinition<{ shop: string }> = {
  name: "program-event-delivery",
  key: ({ shop }) => shop,
  async run({ shop }) {
    // Uninstalled: Shopify revoked the token; the events wait for a reinstall.
    const installed = await prisma.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
    if (installed?.uninstalledAt) return;
    const { admin } = await unauthenticated.admin(shop);
    await deliverProgramEvents(admin.graphql, shop);
  },
};

/** After a transaction that recorded events committed: sends them now rather than at the next sweep. */
export function enqueueProgramEventDelivery(shop: string) {
  return enqueueJob(programEventDeliveryJob, { shop });
}

export async function sweepProgramEvents(now = new Date()) {
  const shops = await shopsWithEventsToDeliver(now);
  const installed = await prisma.shop.findMany({
    where: { shop: { in: shops }, uninstalledAt: { not: null } },
    select: { shop: true },
  });
  const uninstalled = new Set(installed.map((row) => row.shop));
  const due = shops.filter((shop) => !uninstalled.has(shop));
  await Promise.all(due.map((shop) => enqueueProgramEventDelivery(shop)));
  return due;
}

/** Every minute: one sweep across instances (the queue's schedule). */
export const programEventSweepJob = periodicJob("program-event-sweep", "minute", sweepProgramEvents);
export const PROGRAM_EVENT_SWEEP_CRON = "* * * * *";

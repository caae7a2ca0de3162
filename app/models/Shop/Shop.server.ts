import type { Prisma } from "@prisma/client";

/** Shopify granted (or changed) the app's access scopes on this shop. */
export async function recordScopes(
  tx: Prisma.TransactionClient,
  shop: string,
  scopes: string[],
) {
  const scope = scopes.join(",");
  await tx.session.updateMany({ where: { shop }, data: { scope } });
  await tx.shop.upsert({
    where: { shop },
    create: { shop, scopes: scope },
    update: { scopes: scope },
  });
}

/** The merchant uninstalled the app: its sessions are dead; keep the program data until shop/redact. */
export async function markUninstalled(tx: Prisma.TransactionClient, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.upsert({
    where: { shop },
    create: { shop, uninstalledAt: new Date() },
    update: { uninstalledAt: new Date() },
  });
}

/** shop/redact (48 hours after uninstall): erase everything the app holds on this shop. */
export async function eraseShop(tx: Prisma.TransactionClient, shop: string) {
  const where = { shop };
  await tx.session.deleteMany({ where });
  await tx.shop.deleteMany({ where });
  await tx.orderFact.deleteMany({ where });
  await tx.orderFactStaging.deleteMany({ where });
  await tx.customerProfileStaging.deleteMany({ where });
  await tx.refundFact.deleteMany({ where });
  await tx.customerStats.deleteMany({ where });
  await tx.programSettings.deleteMany({ where });
  await tx.historySync.deleteMany({ where });
  await tx.ambassadorProgram.deleteMany({ where });
  await tx.ambassador.deleteMany({ where });
  await tx.ambassadorCode.deleteMany({ where });
  await tx.approvalBatch.deleteMany({ where });
  await tx.ambassadorEvent.deleteMany({ where });
  await tx.ambassadorApplication.deleteMany({ where });
  await tx.shareClick.deleteMany({ where });
  await tx.programNews.deleteMany({ where });
  await tx.ambassadorFeedback.deleteMany({ where });
  await tx.contentSubmission.deleteMany({ where });
  await tx.rateLimitWindow.deleteMany({ where });
  await tx.attributedOrder.deleteMany({ where });
  await tx.rewardEntry.deleteMany({ where });
  await tx.payout.deleteMany({ where });
  await tx.rewardSettings.deleteMany({ where });
  await tx.rewardTier.deleteMany({ where });
  await tx.rewardMilestone.deleteMany({ where });
  await tx.ambassadorTier.deleteMany({ where });
  await tx.fraudFlag.deleteMany({ where });
  await tx.reconciliationRun.deleteMany({ where });
  await tx.metricsCache.deleteMany({ where });
  // Order and refund deliveries, applied or not (their payloads are customer data).
  await tx.webhookInbox.deleteMany({ where });
  // Keep this delivery's own id so a redelivery stays a no-op; drop older ones.
  await tx.webhookDelivery.deleteMany({
    where: { shop, topic: { not: "SHOP_REDACT" } },
  });
}

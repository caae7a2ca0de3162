import type { Prisma } from "@prisma/client";

/**
 * Shopify granted (or changed) the app's access scopes on this shop (app/scopes_update).
 * `changedAt` is when Shopify made the change: a delivery older than the one recorded
 * (Shopify does not deliver in order) changes nothing. The sessions' scope follows, so
 * what needs a scope the shop no longer grants sees it (see missingScopes).
 */
export async function recordScopes(
  tx: Prisma.TransactionClient,
  shop: string,
  scopes: string[],
  changedAt: Date = new Date(),
) {
  const scope = scopes.join(",");
  const recorded = await tx.shop.findUnique({ where: { shop }, select: { scopesUpdatedAt: true } });
  if (recorded?.scopesUpdatedAt && recorded.scopesUpdatedAt > changedAt) return;
  await tx.session.updateMany({ where: { shop }, data: { scope } });
  await tx.shop.upsert({
    where: { shop },
    create: { shop, scopes: scope, scopesUpdatedAt: changedAt },
    update: { scopes: scope, scopesUpdatedAt: changedAt },
  });
}

/**
 * The merchant uninstalled the app. Shopify revoked the app's token before telling us,
 * so nothing can change in Shopify now: the sessions are removed, the program is paused
 * (no code provisioning, no payouts; it stays paused after a reinstall until the merchant
 * resumes it), and the state the merchant left the codes in is recorded. The program data
 * stays until shop/redact.
 */
export async function markUninstalled(tx: Prisma.TransactionClient, shop: string) {
  const now = new Date();
  await tx.session.deleteMany({ where: { shop } });
  const program = await tx.ambassadorProgram.findUnique({
    where: { shop },
    select: { programDiscountId: true, codesPausedAt: true, pausedAt: true },
  });
  const codesAtUninstall = !program?.programDiscountId ? null : program.codesPausedAt ? "paused" : "working";
  await tx.shop.upsert({
    where: { shop },
    create: { shop, uninstalledAt: now, codesAtUninstall },
    update: { uninstalledAt: now, codesAtUninstall },
  });
  if (program && !program.pausedAt) {
    await tx.ambassadorProgram.update({ where: { shop }, data: { pausedAt: now, pauseReason: "uninstalled" } });
  }
}

/** The merchant installed (or reinstalled) the app: installed again; a paused program stays paused. */
export async function recordInstall(db: Prisma.TransactionClient, shop: string, scopes: string[]) {
  const scope = scopes.join(",");
  await db.shop.upsert({
    where: { shop },
    create: { shop, scopes: scope },
    update: { uninstalledAt: null, scopes: scope },
  });
}

/** Admin API scopes this shop has not granted (or no longer grants) out of `needed`. */
export async function missingScopes(db: Prisma.TransactionClient, shop: string, needed: string[]): Promise<string[]> {
  const row = await db.shop.findUnique({ where: { shop }, select: { scopes: true } });
  if (!row) return [];
  const granted = new Set(row.scopes.split(",").map((scope) => scope.trim()).filter(Boolean));
  // write_x implies read_x, as Shopify grants them.
  for (const scope of [...granted]) if (scope.startsWith("write_")) granted.add(`read_${scope.slice(6)}`);
  return needed.filter((scope) => !granted.has(scope));
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
  await tx.giftSettings.deleteMany({ where });
  await tx.gift.deleteMany({ where });
  await tx.giftBatch.deleteMany({ where });
  await tx.fraudFlag.deleteMany({ where });
  await tx.reconciliationRun.deleteMany({ where });
  await tx.metricsCache.deleteMany({ where });
  await tx.customerDataRequest.deleteMany({ where });
  await tx.customerReview.deleteMany({ where });
  await tx.socialMention.deleteMany({ where });
  await tx.programEvent.deleteMany({ where });
  await tx.klaviyoConnection.deleteMany({ where });
  // Webhook deliveries, applied or not (their payloads are customer data), but this
  // delivery's own id, so that a redelivery stays a no-op.
  await tx.webhookInbox.deleteMany({ where: { shop, topic: { not: "SHOP_REDACT" } } });
}

/** What stops working without each scope the app asks for, in the merchant's words. */
const NEEDS_SCOPE: Array<{ scope: string; feature: string }> = [
  { scope: "read_orders", feature: "Finding repeat buyers and attributing orders to ambassadors (orders cannot be read)." },
  { scope: "read_all_orders", feature: "Order history older than 60 days (Shopify shows the app the last 60 days only)." },
  { scope: "write_customers", feature: "Tagging ambassadors and saving their code and share link on the customer." },
  { scope: "write_discounts", feature: "Creating, pausing and changing ambassador codes in Shopify." },
  { scope: "write_store_credit_account_transactions", feature: "Paying rewards as Shopify store credit." },
];

/**
 * The features the shop's granted scopes (the session's, which app/scopes_update keeps
 * current) no longer allow, one sentence each; empty when everything is granted.
 */
export function scopeWarnings(granted: string[]): string[] {
  const scopes = new Set(granted.map((scope) => scope.trim()).filter(Boolean));
  for (const scope of [...scopes]) if (scope.startsWith("write_")) scopes.add(`read_${scope.slice(6)}`);
  return NEEDS_SCOPE.filter(({ scope }) => !scopes.has(scope)).map(({ feature }) => feature);
}

/**
 * Brings each ambassador's tier tag in Shopify in line with their tier: removes the tag of
 * the tier they left (`taggedAs`) and adds the new tier's tag, paced on the shop's leaky
 * bucket. Shopify's userErrors are recorded on the ambassador's history (AmbassadorEvent
 * "error"); their `taggedAs` stays as it was so the next run tries again. Safe to re-run:
 * tagsAdd / tagsRemove are idempotent in Shopify.
 */
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { pacedAdmin } from "../../utils/paced-admin.server";
import { CustomerTagsAddMutation } from "../../graphql/CustomerTagsAddMutation";
import { CustomerTagsRemoveMutation } from "../../graphql/CustomerTagsRemoveMutation";
import { describeUserErrors, type ShopifyUserError } from "../AmbassadorProgram/user-errors";

export interface TierTagReport {
  tagged: number;
  failed: number;
}

/** Ambassadors whose tier tag in Shopify differs from their tier's. */
export async function tierTagsOutOfDate(shop: string) {
  const [rows, tiers] = await Promise.all([
    prisma.ambassadorTier.findMany({ where: { shop } }),
    prisma.rewardTier.findMany({ where: { shop }, select: { id: true, tag: true } }),
  ]);
  const tagOf = new Map(tiers.map((t) => [t.id, t.tag]));
  return rows
    .map((row) => ({ ambassadorId: row.ambassadorId, from: row.taggedAs, to: row.tierId ? (tagOf.get(row.tierId) ?? null) : null }))
    .filter((row) => row.from !== row.to);
}

export async function syncTierTags(
  graphql: AdminGraphqlClient,
  shop: string,
  { throttleBackoffMs = 1000 }: { throttleBackoffMs?: number } = {}
): Promise<TierTagReport> {
  const admin = pacedAdmin(graphql, { throttleBackoffMs });
  const report: TierTagReport = { tagged: 0, failed: 0 };
  const work = await tierTagsOutOfDate(shop);
  if (work.length === 0) return report;
  const ambassadors = new Map(
    (
      await prisma.ambassador.findMany({
        where: { shop, id: { in: work.map((w) => w.ambassadorId) } },
        select: { id: true, customerId: true },
      })
    ).map((a) => [a.id, a])
  );

  for (const item of work) {
    const customerId = ambassadors.get(item.ambassadorId)?.customerId;
    if (!customerId) continue; // not linked to a customer yet: nothing to tag
    const id = `gid://shopify/Customer/${customerId}`;
    const errors: ShopifyUserError[] = [];
    if (item.from) {
      const { tagsRemove } = await admin.request(CustomerTagsRemoveMutation, { id, tags: [item.from] }, 10);
      errors.push(...((tagsRemove?.userErrors ?? []) as ShopifyUserError[]));
    }
    if (errors.length === 0 && item.to) {
      const { tagsAdd } = await admin.request(CustomerTagsAddMutation, { id, tags: [item.to] }, 10);
      errors.push(...((tagsAdd?.userErrors ?? []) as ShopifyUserError[]));
    }
    if (errors.length > 0) {
      report.failed++;
      const detail = `Shopify refused the tier tag: ${describeUserErrors(errors).join(" ")}`;
      await prisma.$transaction([
        prisma.ambassadorTier.update({
          where: { shop_ambassadorId: { shop, ambassadorId: item.ambassadorId } },
          data: { error: detail },
        }),
        prisma.ambassadorEvent.create({ data: { shop, ambassadorId: item.ambassadorId, kind: "error", detail } }),
      ]);
      continue;
    }
    await prisma.$transaction([
      prisma.ambassadorTier.update({
        where: { shop_ambassadorId: { shop, ambassadorId: item.ambassadorId } },
        data: { taggedAs: item.to, error: null },
      }),
      prisma.ambassadorEvent.create({
        data: {
          shop,
          ambassadorId: item.ambassadorId,
          kind: "tier_changed",
          detail: item.to ? `Tier tag now ${item.to}${item.from ? ` (was ${item.from})` : ""}` : `Tier tag ${item.from} removed`,
        },
      }),
    ]);
    report.tagged++;
  }
  return report;
}

/**
 * One shop's worth of every kind of row the app keeps — candidates, ambassadors with codes,
 * applications, orders and attribution, rewards and payouts, community, fraud flags, share
 * clicks, tiers, runs — built from a marker (a distinctive name, code stem and amount), so
 * two shops seeded side by side with the same customer ids can be told apart in any
 * response. The isolation suite seeds two and checks neither leaks into the other.
 */
import prisma from "~/db.server";
import { seedAmbassador as seedStorefrontAmbassador } from "~/models/Storefront/tests/storefront-fixtures";
import { encryptApiKey } from "~/models/ProgramEvents/KlaviyoConnection.server";
import { seedAttributedOrders, seedClicks, seedFraudFlag, seedOrderFacts, seedRewards } from "./analytics";
import { storeCandidates } from "./ambassadors";

export interface ShopMarker {
  /** Capitalised given name used in every name and text of the shop ("Zebulon"). */
  name: string;
  /** Amount in minor units that only this shop's rows carry (e.g. 98_765). */
  cents: number;
  /** A customer id only this shop has as a candidate. */
  ownCandidate: string;
}

/** Customer ids both shops use: scoping by customer id alone would mix them up. */
export const SHARED_CUSTOMERS = { active: "7001", paused: "7002", candidate: "7003", applicant: "7004" } as const;

export interface SeededShop {
  shop: string;
  marker: ShopMarker;
  /** Codes held by the shop's ambassadors (current and retired). */
  codes: { active: string; paused: string; retired: string };
  ids: {
    active: string;
    paused: string;
    application: string;
    news: string;
    feedback: string;
    fraudFlag: string;
    payout: string;
    tier: string;
    milestone: string;
    /** A customers/data_request for the shared active ambassador's customer id. */
    dataRequest: string;
    /** A candidate only this shop has. */
    ownCandidate: string;
  };
}

const DAY = 86_400_000;

export async function seedShopShapes(shop: string, marker: ShopMarker, now = new Date()): Promise<SeededShop> {
  const { name, cents } = marker;
  const stem = name.toUpperCase();
  const lower = name.toLowerCase();
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();
  const codes = { active: `${stem}111`, paused: `${stem}222`, retired: `${stem}333` };
  const { ownCandidate } = marker;

  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "test-token", scope: "" },
    update: {},
  });
  await prisma.programSettings.create({ data: { shop, currencyCode: "USD" } });
  await prisma.ambassadorProgram.create({ data: { shop, storefrontUrl: `https://${lower}.example`, ambassadorTag: `${lower}-tag` } });
  await prisma.rewardSettings.create({ data: { shop, commissionBasisPoints: 1234, holdDays: 0 } });

  const customer = (id: string, suffix: string) => ({
    legacyResourceId: id,
    firstName: name,
    lastName: suffix,
    email: `${lower}.${suffix.toLowerCase()}@${lower}.example`,
  });
  await storeCandidates(
    shop,
    [customer(SHARED_CUSTOMERS.candidate, "Candidate"), customer(ownCandidate, "Own")],
    { orderCount: 4, netSpentCents: cents },
  );

  const active = await seedStorefrontAmbassador(shop, {
    customerId: SHARED_CUSTOMERS.active,
    firstName: name,
    email: `${lower}.active@${lower}.example`,
    code: codes.active,
    previousCodes: [codes.retired],
  });
  const paused = await seedStorefrontAmbassador(shop, {
    customerId: SHARED_CUSTOMERS.paused,
    status: "paused",
    firstName: name,
    email: `${lower}.paused@${lower}.example`,
    code: codes.paused,
    wanted: "inactive",
    shopifyState: "absent",
  });
  // Welcomed in Shopify already: nothing for provisioning to do for them.
  await prisma.ambassador.updateMany({
    where: { shop },
    data: { lastName: `${name}son`, notes: `${name} notes`, welcomeSyncedAt: new Date(), activatedAt: new Date(iso(100)) },
  });
  await prisma.ambassador.update({ where: { id: active.id }, data: { metafieldsCode: codes.active } });
  await prisma.ambassadorEvent.create({ data: { shop, ambassadorId: active.id, kind: "approved", detail: `${name} event` } });

  const application = await prisma.ambassadorApplication.create({
    data: {
      shop,
      email: `${lower}.applicant@${lower}.example`,
      name: `${name} Applicant`,
      socialHandle: `@${lower}`,
      reason: `${name} loves it`,
      customerId: SHARED_CUSTOMERS.applicant,
      consentedAt: new Date(iso(3)),
    },
  });

  const orderId = `${stem}-order-1`;
  await seedOrderFacts(shop, [
    { orderId, customerId: "7301", processedAt: iso(5), totalCents: cents, code: codes.active },
    { orderId: `${stem}-order-2`, customerId: SHARED_CUSTOMERS.active, processedAt: iso(50), totalCents: cents },
  ]);
  await seedAttributedOrders(shop, [
    { orderId, ambassadorId: active.id, code: codes.active, buyerCustomerId: "7301", processedAt: iso(5), netCents: cents, discountCents: Math.round(cents / 5), newCustomer: true },
  ]);
  await seedRewards(shop, [
    { ambassadorId: active.id, orderId, kind: "commission", amountCents: cents, status: "approved" },
    { ambassadorId: paused.id, kind: "milestone", amountCents: cents * 2, status: "approved" },
  ]);
  const payout = await prisma.payout.create({
    data: { shop, ambassadorId: active.id, amountCents: BigInt(cents * 3), method: "cash", reference: `${name}-ref` },
  });
  await seedClicks(shop, active.id, iso(1).slice(0, 10), 3, codes.active);

  const news = await prisma.programNews.create({ data: { shop, title: `${name} news`, body: `${name} news body` } });
  const feedback = await prisma.ambassadorFeedback.create({
    data: { shop, ambassadorId: active.id, rating: 5, message: `${name} feedback` },
  });
  await prisma.contentSubmission.create({
    data: { shop, ambassadorId: active.id, url: `https://${lower}.example/post`, note: `${name} content` },
  });
  await seedFraudFlag(shop, {
    ambassadorId: active.id,
    kind: "self_referral",
    sourceKey: `${orderId}`,
    detail: `${name} flagged`,
    createdAt: iso(2),
  });
  const fraudFlag = await prisma.fraudFlag.findFirstOrThrow({ where: { shop } });

  const tier = await prisma.rewardTier.create({
    data: { shop, name: `${name} Gold`, minSalesCents: BigInt(cents), commissionBasisPoints: 1500, tag: `${lower}-gold` },
  });
  const milestone = await prisma.rewardMilestone.create({
    data: { shop, name: `${name} Milestone`, minOrders: 50, bonusCents: BigInt(cents) },
  });
  await prisma.reconciliationRun.create({
    data: { shop, trigger: "manual", status: "completed", ordersRead: 1, report: `${name} report`, finishedAt: new Date() },
  });
  await prisma.historySync.create({
    data: { shop, method: "bulk", status: "completed", ordersIngested: 2, finishedAt: new Date() },
  });
  await prisma.klaviyoConnection.create({
    data: { shop, encryptedKey: encryptApiKey(shop, `pk_${lower}_secret_klaviyo_key`), keyHint: "tkey" },
  });
  await prisma.programEvent.create({
    data: {
      shop,
      kind: "gift_created",
      key: `gift_created:${lower}`,
      ambassadorId: active.id,
      data: JSON.stringify({ gift: `${name} gift` }),
      flowError: `${name} flow refusal`,
    },
  });
  const dataRequest = await prisma.customerDataRequest.create({
    data: { shop, requestId: `${name}-request`, customerId: SHARED_CUSTOMERS.active },
  });

  return {
    shop,
    marker,
    codes,
    ids: {
      active: active.id,
      paused: paused.id,
      application: application.id,
      news: news.id,
      feedback: feedback.id,
      fraudFlag: fraudFlag.id,
      payout: payout.id,
      tier: tier.id,
      milestone: milestone.id,
      dataRequest: dataRequest.id,
      ownCandidate,
    },
  };
}

/** Every row stored under the shop, table by table, in a stable order (BigInt as text). */
export async function snapshotShop(shop: string): Promise<string> {
  const where = { shop };
  const tables = await Promise.all([
    prisma.session.findMany({ where, orderBy: { id: "asc" } }),
    prisma.programSettings.findMany({ where }),
    prisma.ambassadorProgram.findMany({ where }),
    prisma.rewardSettings.findMany({ where }),
    prisma.customerStats.findMany({ where, orderBy: { customerId: "asc" } }),
    prisma.orderFact.findMany({ where, orderBy: { orderId: "asc" } }),
    prisma.refundFact.findMany({ where }),
    prisma.historySync.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassador.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassadorCode.findMany({ where, orderBy: { id: "asc" } }),
    prisma.approvalBatch.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassadorEvent.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassadorApplication.findMany({ where, orderBy: { id: "asc" } }),
    prisma.shareClick.findMany({ where, orderBy: [{ ambassadorId: "asc" }, { day: "asc" }, { visitorHash: "asc" }] }),
    prisma.programNews.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassadorFeedback.findMany({ where, orderBy: { id: "asc" } }),
    prisma.contentSubmission.findMany({ where, orderBy: { id: "asc" } }),
    prisma.rateLimitWindow.findMany({ where, orderBy: [{ key: "asc" }, { windowStart: "asc" }] }),
    prisma.attributedOrder.findMany({ where, orderBy: { orderId: "asc" } }),
    prisma.rewardEntry.findMany({ where, orderBy: { id: "asc" } }),
    prisma.payout.findMany({ where, orderBy: { id: "asc" } }),
    prisma.rewardTier.findMany({ where, orderBy: { id: "asc" } }),
    prisma.rewardMilestone.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ambassadorTier.findMany({ where, orderBy: { ambassadorId: "asc" } }),
    prisma.fraudFlag.findMany({ where, orderBy: { id: "asc" } }),
    prisma.reconciliationRun.findMany({ where, orderBy: { id: "asc" } }),
    prisma.metricsCache.findMany({ where, orderBy: { key: "asc" } }),
    prisma.customerDataRequest.findMany({ where, orderBy: { id: "asc" } }),
    prisma.customerReview.findMany({ where, orderBy: [{ source: "asc" }, { reviewKey: "asc" }] }),
    prisma.socialMention.findMany({ where, orderBy: { mentionKey: "asc" } }),
    prisma.programEvent.findMany({ where, orderBy: { id: "asc" } }),
    prisma.klaviyoConnection.findMany({ where }),
  ]);
  return JSON.stringify(tables, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

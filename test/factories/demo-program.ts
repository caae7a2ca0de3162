/**
 * Lets the app live through the demo history (demo-history.ts): the program's rules, the
 * ambassadors and their codes as the app stores them (codes put into Shopify by the app's
 * own provisioning), then every program order's webhooks (orders/create, refunds/create,
 * orders/cancelled) sent to the app in the order Shopify sent them, signed,
 * so that attribution, fraud flags, tiers, milestones and rewards are the app's own work
 * (the orders/updated Shopify also sends after a refund is left out: it adds nothing here).
 * Then what the merchant and the ambassadors did: a pause and a removal, payouts, news,
 * feedback, content and applications, through the models that do them.
 *
 * What the app records with the time it happens (the ledger's entries, flags, events) is
 * dated afterwards to when the history says it happened, as if the webhooks had come live.
 * Import after DATABASE_URL names the app's database (the models open it on import).
 */
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { pauseAmbassador, removeAmbassador } from "~/models/Ambassador/Ambassador.server";
import { provisionAmbassadors } from "~/models/Ambassador/CodeProvisioning.server";
import { setCandidateDecision } from "~/models/Candidate/Candidate.server";
import { postNews, markFeedbackRead } from "~/models/Community/Community.server";
import { submitApplication } from "~/models/Application/Application.server";
import { getProgramSettings } from "~/models/ProgramSettings/ProgramSettings.server";
import { saveMilestone, saveRewardSettings, saveTier } from "~/models/Rewards/RewardRules.server";
import { createPayouts, markPayoutsPaid } from "~/models/Rewards/Payouts.server";
import { syncTierTags } from "~/models/Rewards/TierTags.server";
import { createPendingGifts, requestWelcomeGift, saveGiftSettings } from "~/models/Gifts/Gifts.server";
import { CATALOGUE } from "#/demo/catalogue";
import { submitContent, submitFeedback } from "~/models/Storefront/Submissions.server";
import { shareVisitorHash } from "~/models/Storefront/visitor.server";
import {
  orderWebhookPayload,
  refundWebhookPayload,
  type LocalShop,
  type OrderRecord,
} from "#/local-shop";
import { importDemoEngagement } from "./demo-reviews";
import { DAY, DEMO_PROGRAM, type DemoHistoryPlan, type PlacedOrders } from "./demo-history";

const MINUTE = 60_000;

export interface DemoProgramContext {
  /** The shop's domain. */
  shop: string;
  localShop: LocalShop;
  /** The app's Admin API client for the shop (what its jobs use). */
  graphql: AdminGraphqlClient;
  plan: DemoHistoryPlan;
  placed: PlacedOrders;
  /** Sends one webhook to the app as Shopify does (signed); resolves once the app acknowledged it. */
  deliver(topic: string, payload: unknown, options: { webhookId: string; triggeredAt: Date }): Promise<void>;
  /** Resolves once the app has applied every delivery it acknowledged. */
  settle(): Promise<void>;
  /** Looks at Shopify's bulk work this often while provisioning (default 50 ms: the local shop is quick). */
  pollIntervalMs?: number;
  /** Webhooks sent at once (default 8). */
  concurrency?: number;
}

export interface DemoProgram {
  /** PlannedAmbassador.key → Ambassador.id */
  ambassadorIds: Map<string, string>;
  /** Webhooks sent to the app. */
  deliveries: number;
}

/** Shopify's webhook ids are UUIDs; these sort in the order they were sent. */
const webhookId = (n: number) => `00000000-0000-4000-a000-${n.toString(16).padStart(12, "0")}`;

/** Major units as the merchant types them ("2000.00"); "" for none. */
const typed = (cents: number) => (cents > 0 ? (cents / 100).toFixed(2) : "");

export async function seedDemoProgram(context: DemoProgramContext): Promise<DemoProgram> {
  const { shop, plan, placed } = context;
  const store = context.localShop.store;
  const provisioning = { pollIntervalMs: context.pollIntervalMs ?? 50, throttleBackoffMs: 250, maxCodeReplacements: 3 };
  const currencyCode = (await getProgramSettings(shop)).currencyCode;

  // ---- the program's rules, set at the launch ----------------------------------------
  const settings = await saveRewardSettings(
    shop,
    {
      commissionPercent: String(DEMO_PROGRAM.commissionBasisPoints / 100),
      flatReward: "",
      holdDays: String(DEMO_PROGRAM.holdDays),
      payoutMethod: "cash",
      leakOrdersPerDay: String(DEMO_PROGRAM.leakOrdersPerDay),
      leakAutoPause: false,
    },
    currencyCode,
  );
  if (!settings.ok) throw new Error(`Demo reward settings refused: ${JSON.stringify(settings.errors)}`);
  for (const tier of DEMO_PROGRAM.tiers) {
    const saved = await saveTier(
      shop,
      {
        name: tier.name,
        minOrders: String(tier.minOrders),
        minSales: typed(tier.minSalesCents),
        commissionPercent: String(tier.commissionBasisPoints / 100),
        tag: tier.tag,
        // The top tier shops new collections first, gated on its tag (docs/gifts.md).
        earlyAccess: tier === DEMO_PROGRAM.tiers[DEMO_PROGRAM.tiers.length - 1],
      },
      currencyCode,
    );
    if (!saved.ok) throw new Error(`Demo tier refused: ${JSON.stringify(saved.errors)}`);
  }
  for (const milestone of DEMO_PROGRAM.milestones) {
    const saved = await saveMilestone(
      shop,
      {
        name: milestone.name,
        minOrders: String(milestone.minOrders),
        minSales: typed(milestone.minSalesCents),
        bonus: typed(milestone.bonusCents),
      },
      currencyCode,
    );
    if (!saved.ok) throw new Error(`Demo milestone refused: ${JSON.stringify(saved.errors)}`);
  }
  const launch = new Date(plan.startedAt);
  await prisma.rewardTier.updateMany({ where: { shop }, data: { createdAt: launch } });
  await prisma.rewardMilestone.updateMany({ where: { shop }, data: { createdAt: launch } });

  // ---- the ambassadors, approved from Candidates when they joined ---------------------
  const ambassadorIds = new Map<string, string>();
  for (const planned of plan.ambassadors) {
    const joined = new Date(planned.joinedAt);
    const ambassador = await prisma.ambassador.create({
      data: {
        shop,
        customerId: planned.customerId,
        status: "active",
        source: "candidate",
        firstName: planned.firstName,
        lastName: planned.lastName,
        email: planned.email,
        code: planned.code,
        activatedAt: joined,
        createdAt: joined,
      },
    });
    ambassadorIds.set(planned.key, ambassador.id);
    await prisma.ambassadorCode.create({
      data: { shop, ambassadorId: ambassador.id, code: planned.code, wanted: "active", shopifyState: "absent", createdAt: joined },
    });
    await prisma.ambassadorEvent.create({
      data: { shop, ambassadorId: ambassador.id, kind: "approved", detail: `Code ${planned.code}`, createdAt: joined },
    });
  }
  const decision = await setCandidateDecision(shop, plan.ambassadors.map((a) => a.customerId), "approved");
  if (decision.unknown.length > 0) throw new Error(`Not candidates of the shop: ${decision.unknown.join(", ")}`);
  for (const planned of plan.ambassadors) {
    await prisma.customerStats.updateMany({ where: { shop, customerId: planned.customerId }, data: { decidedAt: new Date(planned.joinedAt) } });
  }
  // The app puts the codes into the program discount, tags the customers, sets their
  // metafields and fires the Flow trigger.
  const seededAt = new Date();
  await provisionAmbassadors(context.graphql, shop, provisioning);
  for (const planned of plan.ambassadors) {
    const id = ambassadorIds.get(planned.key)!;
    const welcomed = new Date(planned.joinedAt + MINUTE);
    await prisma.ambassadorCode.updateMany({ where: { shop, ambassadorId: id }, data: { activatedAt: welcomed } });
    await prisma.ambassador.update({ where: { id }, data: { welcomeSyncedAt: welcomed } });
    await prisma.ambassadorEvent.updateMany({ where: { shop, ambassadorId: id, createdAt: { gte: seededAt } }, data: { createdAt: welcomed } });
  }

  // ---- six months of webhooks, in the order Shopify sent them --------------------------
  const events: { at: number; ambassador: string; topic: string; payload: () => unknown; id?: string }[] = [];
  const payload = (order: OrderRecord, asOf: number) => () => orderWebhookPayload(store, order, { asOf });
  for (const planned of plan.orders) {
    const order = placed.orders.get(planned.key)!;
    const ambassador = planned.ambassador;
    events.push({ at: order.createdAt, ambassador, topic: "orders/create", payload: payload(order, order.createdAt) });
    for (const refund of order.refunds) {
      if (refund.createdAt === order.cancelledAt) continue; // the cancellation's own refund: orders/cancelled says it
      events.push({ at: refund.createdAt, ambassador, topic: "refunds/create", payload: () => refundWebhookPayload(store, order, refund) });
    }
    if (order.cancelledAt !== null) {
      events.push({ at: order.cancelledAt, ambassador, topic: "orders/cancelled", payload: payload(order, order.cancelledAt) });
    }
  }
  events.sort((a, b) => a.at - b.at);
  events.forEach((event, index) => (event.id = webhookId(index + 1)));
  // Sent in the order Shopify sent them, several at a time; each ambassador's one after
  // another, so the app takes them in that order (an order that takes an ambassador into a
  // tier earns the old rate, the next ones the new: their order matters).
  const previous = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  for (const event of events) {
    while (inFlight.size >= (context.concurrency ?? 8)) await Promise.race(inFlight);
    if (failure) break;
    const delivered = (previous.get(event.ambassador) ?? Promise.resolve()).then(() =>
      context.deliver(event.topic, event.payload(), { webhookId: event.id!, triggeredAt: new Date(event.at) }),
    );
    previous.set(event.ambassador, delivered);
    const tracked: Promise<void> = delivered
      .catch((error: unknown) => void (failure ??= error))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  const sent = events.length;
  await context.settle();

  // ---- what the merchant did: the leaked code's ambassador paused, one removed ----------
  for (const planned of plan.ambassadors.filter((a) => a.status !== "active")) {
    const id = ambassadorIds.get(planned.key)!;
    const result = planned.status === "paused" ? await pauseAmbassador(shop, id) : await removeAmbassador(shop, id);
    if (!result.ok) throw new Error(result.error);
    const when = new Date(planned.statusChangedAt!);
    await prisma.ambassador.update({
      where: { id },
      data: planned.status === "paused" ? { pausedAt: when } : { removedAt: when },
    });
    await prisma.ambassadorEvent.updateMany({ where: { shop, ambassadorId: id, kind: planned.status }, data: { createdAt: when } });
    await prisma.customerStats.updateMany({ where: { shop, customerId: planned.customerId }, data: { decidedAt: when } });
  }
  const changedAt = new Date();
  await provisionAmbassadors(context.graphql, shop, provisioning);
  for (const planned of plan.ambassadors.filter((a) => a.status !== "active")) {
    await prisma.ambassadorEvent.updateMany({
      where: { shop, ambassadorId: ambassadorIds.get(planned.key)!, createdAt: { gte: changedAt } },
      data: { createdAt: new Date(planned.statusChangedAt! + MINUTE) },
    });
  }
  await syncTierTags(context.graphql, shop, { throttleBackoffMs: 250 });
  await datePastRecords(shop);

  // ---- the welcome package: branded fuzzy socks and a notebook; one sent so far -------------
  const socks = store.addProduct({ title: "Branded fuzzy socks", variants: [{ title: "One size", priceCents: 1_400, sku: "AMB-SOCKS" }] });
  const notebook = CATALOGUE.find((p) => p.cardTitle === "Canvas notebook")!;
  const notebookProduct = store.addProduct({ title: notebook.title, variants: [{ priceCents: notebook.priceCents }] });
  const pickedPackage = await saveGiftSettings(context.graphql, shop, {
    items: [
      { variantId: `gid://shopify/ProductVariant/${socks.variants[0].id}`, title: "", quantity: 2 },
      { variantId: `gid://shopify/ProductVariant/${notebookProduct.variants[0].id}`, title: "", quantity: 1 },
    ],
    welcomeOnApproval: true,
  });
  if (!pickedPackage.ok) throw new Error(`Demo gift package refused: ${JSON.stringify(pickedPackage.errors)}`);
  const newest = plan.ambassadors.filter((a) => a.status === "active").sort((a, b) => b.joinedAt - a.joinedAt)[0];
  const newestCustomer = store.customer(Number(newest.customerId));
  if (newestCustomer) {
    newestCustomer.defaultAddress = {
      firstName: newestCustomer.firstName, lastName: newestCustomer.lastName, address1: "12 Harbour Street", address2: null,
      city: "Portland", province: "ME", zip: "04101", countryCode: "US", phone: null,
    };
  }
  const welcomeId = ambassadorIds.get(newest.key)!;
  const welcomed = await requestWelcomeGift(shop, welcomeId);
  if (!welcomed.ok) throw new Error(`Demo welcome package refused: ${welcomed.error}`);
  await createPendingGifts(context.graphql, shop, { throttleBackoffMs: 250 });
  const sentAt = new Date(newest.joinedAt + 2 * MINUTE);
  await prisma.gift.updateMany({ where: { shop, ambassadorId: welcomeId }, data: { createdAt: sentAt } });
  await prisma.ambassadorEvent.updateMany({ where: { shop, ambassadorId: welcomeId, kind: "gift_created" }, data: { createdAt: sentAt } });

  // ---- payouts: last month's run paid, this month's waiting --------------------------
  const idsOf = (keys: string[]) => keys.map((key) => ambassadorIds.get(key)!);
  const paidRun = await createPayouts(shop, { method: "cash", ambassadorIds: idsOf(plan.payouts.paid.ambassadors) });
  const paidIds = paidRun.created.map((p) => p.id);
  if (paidIds.length > 0) {
    const paid = await markPayoutsPaid(shop, paidIds, plan.payouts.paid.reference, new Date(plan.payouts.paid.paidAt));
    if (!paid.ok) throw new Error(`Demo payouts not marked paid: ${JSON.stringify(paid.errors)}`);
    await prisma.payout.updateMany({ where: { shop, id: { in: paidIds } }, data: { createdAt: new Date(plan.payouts.paid.createdAt) } });
  }
  const pendingRun = await createPayouts(shop, { method: "cash", ambassadorIds: idsOf(plan.payouts.pending.ambassadors) });
  await prisma.payout.updateMany({
    where: { shop, id: { in: pendingRun.created.map((p) => p.id) } },
    data: { createdAt: new Date(plan.payouts.pending.createdAt) },
  });

  // ---- share-link clicks, as the app counts them (one per visitor and day) --------------
  const codeOf = new Map(plan.ambassadors.map((a) => [a.key, a.code]));
  const clicks: Prisma.ShareClickCreateManyInput[] = [];
  plan.clicks.forEach((click, index) => {
    const day = new Date(`${click.day}T00:00:00.000Z`);
    for (let visitor = 0; visitor < click.visitors; visitor++) {
      const client = { ip: `198.51.${index % 250}.${visitor}`, userAgent: "Mozilla/5.0 (demo shopper)" };
      clicks.push({
        shop,
        ambassadorId: ambassadorIds.get(click.ambassador)!,
        day: click.day,
        visitorHash: shareVisitorHash(shop, client, day),
        code: codeOf.get(click.ambassador)!,
        createdAt: new Date(day.getTime() + ((visitor * 97 + index * 13) % (24 * 60)) * MINUTE),
      });
    }
  });
  for (let i = 0; i < clicks.length; i += 2_000) {
    await prisma.shareClick.createMany({ data: clicks.slice(i, i + 2_000), skipDuplicates: true });
  }

  // ---- the community: news, and what ambassadors sent from the portal -------------------
  for (const news of plan.news) {
    const posted = await postNews(shop, { title: news.title, body: news.body }, new Date(news.at));
    if (!posted.ok) throw new Error(`Demo news refused: ${JSON.stringify(posted.fieldErrors)}`);
  }
  const customerOf = new Map(plan.ambassadors.map((a) => [a.key, a.customerId]));
  for (const item of plan.feedback) {
    const sentAt = new Date();
    const result = await submitFeedback(shop, customerOf.get(item.ambassador)!, { rating: item.rating ? String(item.rating) : "", message: item.message });
    if (result.kind !== "saved") throw new Error(`Demo feedback refused: ${result.message}`);
    const row = await prisma.ambassadorFeedback.findFirstOrThrow({
      where: { shop, ambassadorId: ambassadorIds.get(item.ambassador)!, createdAt: { gte: sentAt } },
      orderBy: { createdAt: "desc" },
    });
    await prisma.ambassadorFeedback.update({ where: { id: row.id }, data: { createdAt: new Date(item.at) } });
    if (item.read) await markFeedbackRead(shop, [row.id], new Date(item.at + 2 * 60 * MINUTE));
  }
  for (const item of plan.content) {
    const sentAt = new Date();
    const result = await submitContent(shop, customerOf.get(item.ambassador)!, { url: item.url, note: item.note });
    if (result.kind !== "saved") throw new Error(`Demo content refused: ${result.message}`);
    await prisma.contentSubmission.updateMany({
      where: { shop, ambassadorId: ambassadorIds.get(item.ambassador)!, createdAt: { gte: sentAt } },
      data: { createdAt: new Date(item.at) },
    });
  }
  for (const application of plan.applications) {
    const result = await submitApplication(
      shop,
      { customerId: null, clientIdentity: null },
      { name: application.name, email: application.email, social_handle: application.socialHandle, reason: application.reason, consent: "on" },
      new Date(application.at),
    );
    if (result.kind !== "accepted") throw new Error(`Demo application refused: ${result.message}`);
  }
  // Reviews and mentions for some repeat buyers, as the merchant imports them.
  await importDemoEngagement(shop);
  return { ambassadorIds, deliveries: sent };
}

/**
 * Dates what the app recorded while the history was replayed to when it happened: ledger
 * entries to their order (or refund), milestone bonuses to the order that crossed them,
 * fraud flags to the order that raised them, attributed orders to their order.
 */
async function datePastRecords(shop: string) {
  await prisma.$executeRaw`
    UPDATE "AttributedOrder" SET "createdAt" = "processedAt" WHERE "shop" = ${shop}`;
  await prisma.$executeRaw`
    UPDATE "RewardEntry" r SET "createdAt" = a."processedAt"
    FROM "AttributedOrder" a
    WHERE r."shop" = ${shop} AND a."shop" = r."shop" AND a."orderId" = r."orderId"
      AND r."kind" IN ('commission', 'adjustment') AND r."sourceKey" NOT LIKE 'refund:%'`;
  await prisma.$executeRaw`
    UPDATE "RewardEntry" r SET "createdAt" = f."createdAt"
    FROM "RefundFact" f
    WHERE r."shop" = ${shop} AND f."shop" = r."shop" AND r."sourceKey" LIKE 'refund:%'
      AND f."refundId" = split_part(r."sourceKey", ':', 2)`;

  // A milestone was awarded with the order that took the ambassador over it.
  const milestones = await prisma.rewardMilestone.findMany({ where: { shop } });
  const bonuses = await prisma.rewardEntry.findMany({ where: { shop, kind: "milestone" } });
  for (const bonus of bonuses) {
    const milestone = milestones.find((m) => bonus.sourceKey === `milestone:${m.id}:${bonus.ambassadorId}`);
    if (!milestone) continue;
    const earning = await prisma.attributedOrder.findMany({
      where: { shop, ambassadorId: bonus.ambassadorId, selfReferral: false, cancelledAt: null, netCents: { gt: 0 } },
      orderBy: [{ processedAt: "asc" }, { orderId: "asc" }],
      select: { processedAt: true, netCents: true },
    });
    let orders = 0;
    let sales = 0;
    for (const row of earning) {
      orders += 1;
      sales += Number(row.netCents);
      if (orders >= milestone.minOrders && sales >= Number(milestone.minSalesCents)) {
        await prisma.rewardEntry.update({ where: { id: bonus.id }, data: { createdAt: row.processedAt } });
        break;
      }
    }
  }

  const flags = await prisma.fraudFlag.findMany({ where: { shop } });
  for (const flag of flags) {
    let when: Date | null = null;
    if (flag.kind === "self_referral") {
      when = (await prisma.attributedOrder.findFirst({ where: { shop, orderId: flag.sourceKey } }))?.processedAt ?? null;
    } else if (flag.kind === "leak") {
      // Raised by the order that made it "N different new customers" (the flag says N).
      const buyers = Number(/used by (\d+) different/.exec(flag.detail)?.[1] ?? DEMO_PROGRAM.leakOrdersPerDay + 1);
      const [code, day] = flag.sourceKey.split(":");
      const spike = await prisma.attributedOrder.findMany({
        where: { shop, code, newCustomer: true, processedAt: { gte: new Date(`${day}T00:00:00.000Z`), lt: new Date(new Date(`${day}T00:00:00.000Z`).getTime() + DAY) } },
        orderBy: { processedAt: "asc" },
        select: { processedAt: true },
      });
      when = (spike[buyers - 1] ?? spike.at(-1))?.processedAt ?? null;
    }
    if (when) await prisma.fraudFlag.update({ where: { id: flag.id }, data: { createdAt: when } });
  }
}

/**
 * customers/data_request: a customer asked the merchant for the data held on them. The
 * webhook records the request (no Shopify call, one insert); the merchant downloads the
 * report from Settings → Data requests and passes it on. The report is built at download
 * time from what the app holds then, so the request row keeps no copy of that data.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { engagementDataReport } from "../Engagement/Engagement.server";

type Db = Prisma.TransactionClient;

export interface DataRequestInput {
  requestId?: string | null;
  customerId: string;
  email?: string | null;
  ordersRequested: string[];
}

export async function recordDataRequest(tx: Db, shop: string, input: DataRequestInput) {
  await tx.customerDataRequest.create({
    data: {
      shop,
      requestId: input.requestId ?? null,
      customerId: input.customerId,
      email: input.email?.trim().toLowerCase() || null,
      ordersRequested: input.ordersRequested.join(","),
    },
  });
}

/** customers/redact: the customer's email leaves the request rows too (the ids stay, as the record of the request). */
export async function eraseDataRequestPersonalData(tx: Db, shop: string, customer: { customerId: string; email?: string | null }) {
  const email = customer.email?.trim().toLowerCase();
  await tx.customerDataRequest.updateMany({
    where: { shop, OR: [{ customerId: customer.customerId }, ...(email ? [{ email }] : [])] },
    data: { email: null },
  });
}

export function listDataRequests(shop: string, take = 50) {
  return prisma.customerDataRequest.findMany({ where: { shop }, orderBy: { receivedAt: "desc" }, take });
}

export type DataRequestRow = Awaited<ReturnType<typeof listDataRequests>>[number];

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const money = (cents: bigint | null | undefined) => (cents == null ? null : Number(cents) / 100);

/**
 * Everything the app holds on the request's customer, matched by Shopify customer id or
 * email: customer statistics, orders and refunds, ambassador record, codes, history,
 * applications, content links, feedback, share-link clicks, attributed orders, rewards,
 * payouts, tier and fraud flags. Amounts are in the shop's currency (major units).
 * Null when the request is not this shop's. Marks the request downloaded.
 */
export async function customerDataReport(shop: string, requestId: string) {
  const request = await prisma.customerDataRequest.findFirst({ where: { shop, id: requestId } });
  if (!request) return null;
  const customerId = request.customerId ?? undefined;
  const email = request.email ?? undefined;
  const byCustomer = <T extends object>(idField: T, emailField: T) =>
    [...(customerId ? [idField] : []), ...(email ? [emailField] : [])];

  const stats = customerId ? await prisma.customerStats.findUnique({ where: { shop_customerId: { shop, customerId } } }) : null;
  const orders = customerId
    ? await prisma.orderFact.findMany({ where: { shop, customerId }, orderBy: { processedAt: "asc" } })
    : [];
  const refunds = orders.length
    ? await prisma.refundFact.findMany({ where: { shop, orderId: { in: orders.map((order) => order.orderId) } } })
    : [];
  const ambassadorMatch = byCustomer({ customerId }, { email });
  const ambassadors = ambassadorMatch.length
    ? await prisma.ambassador.findMany({ where: { shop, OR: ambassadorMatch } })
    : [];
  const applications = ambassadorMatch.length
    ? await prisma.ambassadorApplication.findMany({ where: { shop, OR: ambassadorMatch } })
    : [];
  const ambassadorIds = ambassadors.map((ambassador) => ambassador.id);
  const ofAmbassadors = { shop, ambassadorId: { in: ambassadorIds } };
  const [codes, events, content, feedback, clicks, referredOrders, rewards, payouts, tiers, fraudFlags] = await Promise.all([
    prisma.ambassadorCode.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.ambassadorEvent.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.contentSubmission.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.ambassadorFeedback.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.shareClick.count({ where: ofAmbassadors }),
    prisma.attributedOrder.findMany({ where: ofAmbassadors, orderBy: { processedAt: "asc" } }),
    prisma.rewardEntry.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.payout.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
    prisma.ambassadorTier.findMany({ where: ofAmbassadors }),
    prisma.fraudFlag.findMany({ where: ofAmbassadors, orderBy: { createdAt: "asc" } }),
  ]);
  const ordersWithCodes = customerId
    ? await prisma.attributedOrder.findMany({ where: { shop, buyerCustomerId: customerId }, orderBy: { processedAt: "asc" } })
    : [];

  await prisma.customerDataRequest.update({ where: { id: request.id }, data: { downloadedAt: new Date() } });
  const engagement = request.customerId
    ? await engagementDataReport(shop, request.customerId)
    : { reviews: [], mentions: [] };

  return {
    request: {
      shopifyDataRequestId: request.requestId,
      customerId: request.customerId,
      email: request.email,
      ordersRequested: request.ordersRequested ? request.ordersRequested.split(",") : [],
      receivedAt: iso(request.receivedAt),
      reportGeneratedAt: new Date().toISOString(),
    },
    customer: stats && {
      name: stats.displayName,
      email: stats.email,
      tags: stats.tags,
      orderCount: stats.orderCount,
      netSpent: money(stats.netSpentCents),
      firstOrderAt: iso(stats.firstOrderAt),
      lastOrderAt: iso(stats.lastOrderAt),
      candidateStatus: stats.ambassadorStatus,
      emailMarketingSubscribed: stats.emailSubscribed,
      smsMarketingSubscribed: stats.smsSubscribed,
      personalDataErasedAt: iso(stats.personalDataErasedAt),
    },
    orders: orders.map((order) => ({
      orderId: order.orderId,
      processedAt: iso(order.processedAt),
      total: money(order.totalCents),
      refunded: money(order.refundedCents),
      cancelledAt: iso(order.cancelledAt),
      discountCodes: order.discountCodes ? order.discountCodes.split("\n") : [],
    })),
    refunds: refunds.map((refund) => ({ refundId: refund.refundId, orderId: refund.orderId, amount: money(refund.amountCents), createdAt: iso(refund.createdAt) })),
    ordersWithAmbassadorCodes: ordersWithCodes.map((order) => ({ orderId: order.orderId, code: order.code, processedAt: iso(order.processedAt), discount: money(order.discountCents) })),
    ambassador: ambassadors.map((ambassador) => ({
      status: ambassador.status,
      firstName: ambassador.firstName,
      lastName: ambassador.lastName,
      email: ambassador.email,
      socialHandle: ambassador.socialHandle,
      notes: ambassador.notes,
      code: ambassador.code,
      invitedAt: iso(ambassador.invitedAt),
      activatedAt: iso(ambassador.activatedAt),
      pausedAt: iso(ambassador.pausedAt),
      removedAt: iso(ambassador.removedAt),
      createdAt: iso(ambassador.createdAt),
    })),
    applications: applications.map((application) => ({
      name: application.name,
      email: application.email,
      socialHandle: application.socialHandle,
      reason: application.reason,
      status: application.status,
      submissions: application.submissions,
      consentedAt: iso(application.consentedAt),
      createdAt: iso(application.createdAt),
    })),
    codes: codes.map((code) => ({ code: code.code, state: code.wanted, createdAt: iso(code.createdAt), retiredAt: iso(code.retiredAt) })),
    history: events.map((event) => ({ kind: event.kind, detail: event.detail, at: iso(event.createdAt) })),
    contentLinks: content.map((item) => ({ url: item.url, note: item.note, createdAt: iso(item.createdAt) })),
    feedback: feedback.map((item) => ({ rating: item.rating, message: item.message, createdAt: iso(item.createdAt) })),
    importedReviews: engagement.reviews.map((review) => ({ ...review, reviewedAt: iso(review.reviewedAt) })),
    socialMentions: engagement.mentions.map((mention) => ({ ...mention, mentionedAt: iso(mention.mentionedAt) })),
    shareLinkClicks: clicks,
    referredOrders: referredOrders.map((order) => ({ orderId: order.orderId, code: order.code, processedAt: iso(order.processedAt), net: money(order.netCents) })),
    rewards: rewards.map((entry) => ({ kind: entry.kind, amount: money(entry.amountCents), status: entry.status, orderId: entry.orderId, createdAt: iso(entry.createdAt) })),
    payouts: payouts.map((payout) => ({ amount: money(payout.amountCents), method: payout.method, status: payout.status, createdAt: iso(payout.createdAt), paidAt: iso(payout.paidAt) })),
    tier: tiers.map((tier) => ({ tierId: tier.tierId, tag: tier.taggedAs })),
    fraudFlags: fraudFlags.map((flag) => ({ kind: flag.kind, detail: flag.detail, createdAt: iso(flag.createdAt), resolvedAt: iso(flag.resolvedAt) })),
  };
}

export type CustomerDataReport = NonNullable<Awaited<ReturnType<typeof customerDataReport>>>;

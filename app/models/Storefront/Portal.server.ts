import prisma from "../../db.server";
import { formatMoney } from "../ProgramSettings/shop-money";
import { shareLinkFor } from "../AmbassadorProgram/share-link";
import { programStatus } from "../AmbassadorProgram/ProgramPause.server";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import { rewardBalances } from "../Rewards/Payouts.server";

/**
 * What the storefront blocks show a shopper: the read model behind
 * GET /apps/ambassadors/portal (contract in extensions/ambassadors-theme/README.md).
 */
export type Membership = "none" | "applied" | "ambassador";
export type AmbassadorStatus = "invited" | "active" | "paused" | "removed";
export type ApplicationStatus = "pending" | "approved" | "rejected";

export interface PortalAmbassador {
  firstName: string;
  status: AmbassadorStatus;
  /** The code shoppers use now; null until one is assigned. */
  code: string | null;
  /** The code works in Shopify now and the share link applies it. */
  codeLive: boolean;
  /** Only while the code is live: a link that would not apply anything is not handed out. */
  shareUrl: string | null;
  /**
   * Why the code and link give no discount now: this ambassador is paused ("ambassador"),
   * or the merchant paused every code ("program"). The portal hides the share controls.
   */
  sharingPaused: SharingPause | null;
  /**
   * The merchant paused the program: payouts and new codes wait until it resumes; codes
   * already in Shopify keep working unless `sharingPaused` says otherwise.
   */
  programPaused: boolean;
  /** Share-link clicks (one per visitor and day). */
  clicks: number;
  /** Counting orders (not cancelled, not test, not fully refunded) with any code they held. */
  orders: number;
  /** Net revenue of those orders, in the shop currency. */
  revenue: string;
  /** Rewards earned, in the shop currency. */
  rewards: PortalRewards;
}

export type SharingPause = "ambassador" | "program";

export interface PortalRewards {
  /** In the hold period (the order can still be returned). */
  pending: string;
  /** Approved and not paid yet, including what is in a payout under way. */
  ready: string;
  paid: string;
}

export interface PortalNews {
  id: string;
  title: string;
  body: string;
  publishedAt: string;
}

export interface PortalView {
  /** The app is installed for the shop (the program can take applications). */
  open: boolean;
  loggedIn: boolean;
  membership: Membership;
  application?: { status: ApplicationStatus };
  ambassador?: PortalAmbassador;
  /** For active and paused ambassadors only. */
  news: PortalNews[];
}

const NEWS_SHOWN = 10;

export async function loadPortal(
  shop: string,
  customerId: string | null,
  { installed, now = new Date() }: { installed: boolean; now?: Date },
): Promise<PortalView> {
  const base: PortalView = { open: installed, loggedIn: customerId !== null, membership: "none", news: [] };
  if (!installed || customerId === null) return base;

  const [ambassador, application] = await Promise.all([
    prisma.ambassador.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    prisma.ambassadorApplication.findFirst({
      where: { shop, customerId },
      orderBy: { updatedAt: "desc" },
      select: { status: true },
    }),
  ]);

  // An invited customer who has applied waits on the application; one who has not is
  // shown their invitation (the signup form approves them at once).
  if (ambassador && (ambassador.status !== "invited" || !application)) {
    const status = ambassadorStatus(ambassador.status);
    const member = status === "active" || status === "paused";
    const [portal, news] = await Promise.all([
      ambassadorNumbers(shop, ambassador),
      member ? latestNews(shop, now) : Promise.resolve([]),
    ]);
    return { ...base, membership: "ambassador", ambassador: { ...portal, status }, news };
  }
  if (application) {
    return { ...base, membership: "applied", application: { status: applicationStatus(application.status) } };
  }
  return base;
}

function ambassadorStatus(status: string): AmbassadorStatus {
  return status === "active" || status === "paused" || status === "invited" ? status : "removed";
}

function applicationStatus(status: string): ApplicationStatus {
  return status === "approved" || status === "rejected" ? status : "pending";
}

async function ambassadorNumbers(
  shop: string,
  ambassador: { id: string; firstName: string | null; status: string; code: string | null },
): Promise<Omit<PortalAmbassador, "status">> {
  const [codes, clicks, settings, program, status, balances] = await Promise.all([
    prisma.ambassadorCode.findMany({
      where: { shop, ambassadorId: ambassador.id },
      select: { code: true, wanted: true, shopifyState: true },
    }),
    prisma.shareClick.count({ where: { shop, ambassadorId: ambassador.id } }),
    getProgramSettings(shop),
    prisma.ambassadorProgram.findUnique({ where: { shop }, select: { storefrontUrl: true } }),
    programStatus(shop),
    rewardBalances(shop, [ambassador.id]),
  ]);
  const current = ambassador.code ? codes.find((c) => c.code === ambassador.code) : undefined;
  const sharingPaused: SharingPause | null =
    ambassador.status === "paused" ? "ambassador" : ambassador.status === "active" && status.codesPaused ? "program" : null;
  // "Pause all codes" deactivates the program discount in Shopify: no code of it applies.
  const codeLive =
    ambassador.status === "active" && !status.codesPaused && current?.wanted === "active" && current.shopifyState === "present";
  const sales = await attributedSales(shop, codes.map((c) => c.code));
  const balance = balances.get(ambassador.id);
  const money = (cents: number) => formatMoney(cents, settings.currencyCode);
  return {
    firstName: ambassador.firstName ?? "",
    code: ambassador.code,
    codeLive,
    shareUrl: codeLive && ambassador.code ? shareLinkFor(program?.storefrontUrl ?? null, shop, ambassador.code) : null,
    sharingPaused,
    programPaused: status.paused,
    clicks,
    orders: sales.orders,
    revenue: money(sales.netCents),
    rewards: {
      pending: money(balance?.pendingCents ?? 0),
      ready: money((balance?.approvedCents ?? 0) + (balance?.inPayoutCents ?? 0)),
      paid: money(balance?.paidCents ?? 0),
    },
  };
}

/** Ambassador codes are A–Z and 0–9: nothing else is looked for. */
const CODE = /^[A-Z0-9]+$/;

/**
 * Orders that used any of the codes: counting orders of the shop (not cancelled, not
 * test, net of refunds above zero) whose `discountCodes` (upper case, one per line) list
 * one of them. The refunded amount is the larger of the order snapshot's and its refunds'
 * sum, as for customer statistics.
 */
export async function attributedSales(
  shop: string,
  codes: string[],
): Promise<{ orders: number; netCents: number }> {
  const wanted = [...new Set(codes.map((c) => c.toUpperCase()))].filter((c) => CODE.test(c));
  if (wanted.length === 0) return { orders: 0, netCents: 0 };
  const [row] = await prisma.$queryRaw<{ orders: bigint; net: unknown }[]>`
    WITH "refunds" AS (
      SELECT "orderId", SUM("amountCents") AS "amount" FROM "RefundFact" WHERE "shop" = ${shop} GROUP BY "orderId"
    ),
    "sales" AS (
      SELECT o."totalCents" - (CASE WHEN r."amount" > o."refundedCents" THEN r."amount" ELSE o."refundedCents" END) AS "net"
      FROM "OrderFact" o LEFT JOIN "refunds" r ON r."orderId" = o."orderId"
      WHERE o."shop" = ${shop} AND o."discountCodes" <> '' AND o."cancelledAt" IS NULL AND o."test" = false
        AND string_to_array(o."discountCodes", chr(10)) && ${wanted}::text[]
    )
    SELECT COUNT(*) AS "orders", SUM("net") AS "net" FROM "sales" WHERE "net" > 0`;
  return { orders: Number(row?.orders ?? 0), netCents: Number(row?.net ?? 0) };
}

async function latestNews(shop: string, now: Date): Promise<PortalNews[]> {
  const rows = await prisma.programNews.findMany({
    where: { shop, publishedAt: { lte: now } },
    orderBy: { publishedAt: "desc" },
    take: NEWS_SHOWN,
  });
  return rows.map((n) => ({ id: n.id, title: n.title, body: n.body, publishedAt: n.publishedAt.toISOString() }));
}

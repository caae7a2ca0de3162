import { isbot } from "isbot";
import prisma from "../../db.server";
import { discountRedirectPath } from "../AmbassadorProgram/share-link";
import type { StorefrontClient } from "./proxy-context.server";
import { shareVisitorHash, utcDay } from "./visitor.server";

/** A share link's code as typed in a URL: letters and digits only (codes are A–Z, 0–9). */
const CODE_IN_LINK = /^[A-Za-z0-9]{1,64}$/;

export interface LiveShareCode {
  ambassadorId: string;
  code: string;
}

/**
 * The ambassador behind a share link's code, when the link should apply it: the code is
 * this shop's, the merchant wants it active, Shopify has it, and the ambassador is active.
 * Anything else (unknown, retired, paused, not yet in Shopify) is null.
 */
export async function findLiveShareCode(shop: string, rawCode: string): Promise<LiveShareCode | null> {
  if (!CODE_IN_LINK.test(rawCode)) return null;
  const code = rawCode.toUpperCase();
  const row = await prisma.ambassadorCode.findUnique({
    where: { shop_code: { shop, code } },
    select: { ambassadorId: true, code: true, wanted: true, shopifyState: true },
  });
  if (!row || row.wanted !== "active" || row.shopifyState !== "present") return null;
  const ambassador = await prisma.ambassador.findFirst({
    where: { id: row.ambassadorId, shop, status: "active" },
    select: { id: true },
  });
  return ambassador ? { ambassadorId: ambassador.id, code: row.code } : null;
}

/**
 * Counts a click: once per visitor, ambassador and UTC day. The visitor is a pseudonym
 * of shop, day, IP and user agent; neither the IP nor the user agent is stored. Returns
 * whether this click was new.
 */
export async function recordShareClick(
  shop: string,
  link: LiveShareCode,
  client: StorefrontClient,
  now: Date = new Date(),
): Promise<boolean> {
  // A second click of the same visitor on the same day meets the primary key: skipped.
  const { count } = await prisma.shareClick.createMany({
    data: [
      {
        shop,
        ambassadorId: link.ambassadorId,
        day: utcDay(now),
        visitorHash: shareVisitorHash(shop, client, now),
        code: link.code,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
  return count > 0;
}

export interface ShareLinkVisit {
  /** Where to send the shopper: Shopify's discount route, or the home page. */
  location: string;
  counted: boolean;
}

/**
 * A share link was followed: where it leads and whether the click counted. Link preview
 * bots (chat apps, social networks) and HEAD requests follow links too; they are
 * redirected the same way but not counted.
 */
export async function followShareLink(
  shop: string,
  rawCode: string,
  landingPath: string | null,
  client: StorefrontClient,
  { count = true, now = new Date() }: { count?: boolean; now?: Date } = {},
): Promise<ShareLinkVisit> {
  const link = await findLiveShareCode(shop, rawCode);
  if (!link) return { location: "/", counted: false };
  const counted = count && !isbot(client.userAgent) ? await recordShareClick(shop, link, client, now) : false;
  return { location: discountRedirectPath(link.code, landingPath), counted };
}

import { isbot } from "isbot";
import prisma from "../../db.server";
import { discountRedirectPath } from "../AmbassadorProgram/share-link";
import { programStatus } from "../AmbassadorProgram/ProgramPause.server";
import type { StorefrontClient } from "./proxy-context.server";
import { shareVisitorHash, utcDay } from "./visitor.server";

/** A share link's code as typed in a URL: letters and digits only (codes are A–Z, 0–9). */
const CODE_IN_LINK = /^[A-Za-z0-9]{1,64}$/;

export interface LiveShareCode {
  ambassadorId: string;
  code: string;
}

/**
 * What a share link's code stands for: "live" when the link should apply it (the code is
 * this shop's, wanted active, in Shopify, its ambassador active, codes not paused);
 * "paused" when it is a paused ambassador's current code, or an active ambassador's code
 * while the merchant has paused every code. Anything else (unknown, retired, removed, not
 * yet in Shopify) is null.
 */
export async function findShareCode(
  shop: string,
  rawCode: string,
): Promise<(LiveShareCode & { state: "live" | "paused" }) | null> {
  if (!CODE_IN_LINK.test(rawCode)) return null;
  const code = rawCode.toUpperCase();
  const row = await prisma.ambassadorCode.findUnique({
    where: { shop_code: { shop, code } },
    select: { ambassadorId: true, code: true, wanted: true, shopifyState: true },
  });
  if (!row || row.wanted === "retired") return null;
  const ambassador = await prisma.ambassador.findFirst({
    where: { id: row.ambassadorId, shop, status: { in: ["active", "paused"] } },
    select: { id: true, status: true, code: true },
  });
  if (!ambassador) return null;
  const link = { ambassadorId: ambassador.id, code: row.code };
  if (ambassador.status === "paused") return ambassador.code === row.code ? { ...link, state: "paused" } : null;
  if (row.wanted !== "active") return null;
  // "Pause all codes" deactivated the program discount: every code is off, whatever its row says.
  if ((await programStatus(shop)).codesPaused) return { ...link, state: "paused" };
  return row.shopifyState === "present" ? { ...link, state: "live" } : null;
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

export type ShareLinkVisit =
  /** To Shopify's discount route (a live code), or the home page (no code to apply). */
  | { outcome: "redirect"; location: string; counted: boolean }
  /**
   * The code is paused: the shopper is told so on a page of the store, with a way on to
   * `landingPath`. Not counted: clicks measure visitors sent with the offer, and this one
   * got none (counting them would lower the merchant's click-to-order rates while paused).
   */
  | { outcome: "paused"; code: string; landingPath: string; counted: false };

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
  const link = await findShareCode(shop, rawCode);
  if (!link) return { outcome: "redirect", location: "/", counted: false };
  if (link.state === "paused") return { outcome: "paused", code: link.code, landingPath: sameStorePath(landingPath), counted: false };
  const counted = count && !isbot(client.userAgent) ? await recordShareClick(shop, link, client, now) : false;
  return { outcome: "redirect", location: discountRedirectPath(link.code, landingPath), counted };
}

/** A path on the same store (the rule of `discountRedirectPath`): never another host. */
export function sameStorePath(landingPath: string | null): string {
  return landingPath && /^\/(?!\/)[^\s\\]*$/.test(landingPath) ? landingPath : "/";
}

import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { ShopTimezoneQuery } from "../../graphql/ShopTimezoneQuery";
import { adminQuery } from "../../utils/admin-graphql.server";

/** A merchant may change the shop's time zone in Shopify: it is asked again after this long. */
const RECHECK_MS = 24 * 60 * 60 * 1000;

/**
 * The shop's time zone (IANA, e.g. "America/New_York"), in which admin pages show dates.
 * Kept on the Shop row and asked of Shopify at most daily; UTC if Shopify cannot say.
 */
export async function shopTimezone(graphql: AdminGraphqlClient, shop: string, now = new Date()): Promise<string> {
  const known = await prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true, timezoneCheckedAt: true } });
  const fresh = known?.timezoneCheckedAt && now.getTime() - known.timezoneCheckedAt.getTime() < RECHECK_MS;
  if (known?.ianaTimezone && fresh) return known.ianaTimezone;
  try {
    const { shop: info } = await adminQuery(graphql, ShopTimezoneQuery);
    const timeZone = validTimeZone(info.ianaTimezone) ?? "UTC";
    await prisma.shop.updateMany({ where: { shop }, data: { ianaTimezone: timeZone, timezoneCheckedAt: now } });
    return timeZone;
  } catch (error) {
    console.warn(`Could not read the time zone of ${shop}`, error);
    return known?.ianaTimezone ?? "UTC";
  }
}

/** The time zone last read from Shopify, without asking again (background jobs); UTC if none. */
export async function storedShopTimezone(shop: string): Promise<string> {
  const known = await prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  return known?.ianaTimezone ?? "UTC";
}

function validTimeZone(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value;
  } catch {
    return null;
  }
}

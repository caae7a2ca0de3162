import prisma from "../../db.server";
import { approveApplications } from "../Ambassador/Ambassador.server";
import { getProgramSettings, type ProgramSettings } from "../ProgramSettings/ProgramSettings.server";

const MS_PER_DAY = 86_400_000;

/**
 * Why a storefront application may be approved without the merchant looking at it:
 * - the customer was invited by the merchant (an Ambassador row "invited" for them), or
 * - the program's `autoApprove` is on and the customer already is a repeat buyer by the
 *   shop's settings (the same rule that makes a candidate: minimum orders, minimum net
 *   spend, last counting order within the window).
 * Only a logged-in applicant can qualify: the customer id is Shopify's, the email is not.
 */
export async function autoApprovalReason(
  shop: string,
  customerId: string | null,
  now: Date = new Date(),
): Promise<"invited" | "repeat_buyer" | null> {
  if (!customerId) return null;
  const [ambassador, program] = await Promise.all([
    prisma.ambassador.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { status: true } }),
    prisma.ambassadorProgram.findUnique({ where: { shop }, select: { autoApprove: true } }),
  ]);
  if (ambassador?.status === "invited") return "invited";
  if (!program?.autoApprove) return null;
  const [stats, settings] = await Promise.all([
    prisma.customerStats.findUnique({
      where: { shop_customerId: { shop, customerId } },
      select: { orderCount: true, netSpentCents: true, lastOrderAt: true },
    }),
    getProgramSettings(shop),
  ]);
  return stats && meetsThreshold(stats, settings, now) ? "repeat_buyer" : null;
}

export function meetsThreshold(
  stats: { orderCount: number; netSpentCents: bigint | number; lastOrderAt: Date | null },
  settings: Pick<ProgramSettings, "minOrders" | "minSpentCents" | "recencyDays">,
  now: Date,
): boolean {
  if (!stats.lastOrderAt || stats.orderCount <= 0) return false;
  return (
    stats.orderCount >= settings.minOrders &&
    Number(stats.netSpentCents) >= settings.minSpentCents &&
    now.getTime() - stats.lastOrderAt.getTime() <= settings.recencyDays * MS_PER_DAY
  );
}

/**
 * Approves a pending application at once when it qualifies. Returns whether it was
 * approved: then the caller starts provisioning, which creates the code in Shopify. A
 * failure leaves it pending for the merchant (and is logged).
 */
export async function autoApproveIfEligible(
  shop: string,
  application: { id: string; customerId: string | null },
): Promise<boolean> {
  try {
    const reason = await autoApprovalReason(shop, application.customerId);
    if (!reason) return false;
    const result = await approveApplications(shop, [application.id]);
    const failed = result.errors.find((e) => e.id === application.id);
    if (failed) {
      console.warn(`Auto-approval of application ${application.id} (${shop}) failed: ${failed.message}`);
      return false;
    }
    return result.approved.length > 0;
  } catch (error) {
    console.error(`Auto-approval of application ${application.id} (${shop}) failed`, error);
    return false;
  }
}

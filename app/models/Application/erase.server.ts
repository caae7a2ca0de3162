import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { programEventKey } from "../ProgramEvents/ProgramEvents.server";

type Db = Prisma.TransactionClient;

/** What erased text reads as. */
export const ERASED = "(erased)";

export interface StorefrontErasure {
  applications: number;
  contentSubmissions: number;
  feedback: number;
}

/**
 * customers/redact, storefront side: the customer's applications (found by customer id
 * or email) lose email, name, social handle and reason; the content links and notes and
 * feedback messages sent by their ambassador are blanked. Ids, counts, ratings, dates and
 * statuses stay. An erased application's email becomes a placeholder unique to it, so a
 * later application with the same email starts afresh. Idempotent.
 */
export async function eraseStorefrontPersonalData(
  shop: string,
  customer: { customerId?: string | number | null; email?: string | null },
  db: Db = prisma,
): Promise<StorefrontErasure> {
  const customerId = customer.customerId != null && customer.customerId !== "" ? String(customer.customerId).replace(/^gid:\/\/shopify\/Customer\//, "") : null;
  const email = customer.email?.trim().toLowerCase() || null;
  const who: Prisma.AmbassadorApplicationWhereInput[] = [];
  if (customerId) who.push({ customerId });
  if (email) who.push({ email });
  if (who.length === 0) return { applications: 0, contentSubmissions: 0, feedback: 0 };

  const now = new Date();
  const applications = await db.ambassadorApplication.findMany({
    where: { shop, OR: who },
    select: { id: true, ambassadorId: true },
  });
  // The "application received" events carry what the applicant typed: erased too.
  await db.programEvent.updateMany({
    where: { shop, key: { in: applications.map((a) => programEventKey("application_received", a.id)) } },
    data: { data: JSON.stringify({ name: ERASED, email: "", socialHandle: "" }) },
  });
  for (const application of applications) {
    await db.ambassadorApplication.update({
      where: { id: application.id },
      data: {
        email: `erased-${application.id}@erased.invalid`,
        name: ERASED,
        socialHandle: "",
        reason: "",
        personalDataErasedAt: now,
      },
    });
  }

  const ambassadorWho: Prisma.AmbassadorWhereInput[] = [];
  if (customerId) ambassadorWho.push({ customerId });
  if (email) ambassadorWho.push({ email });
  const ambassadors = await db.ambassador.findMany({ where: { shop, OR: ambassadorWho }, select: { id: true } });
  const ambassadorIds = [
    ...new Set([
      ...ambassadors.map((a) => a.id),
      ...applications.map((a) => a.ambassadorId).filter((id): id is string => id !== null),
    ]),
  ];
  if (ambassadorIds.length === 0) {
    return { applications: applications.length, contentSubmissions: 0, feedback: 0 };
  }
  const content = await db.contentSubmission.updateMany({
    where: { shop, ambassadorId: { in: ambassadorIds } },
    data: { url: ERASED, note: "" },
  });
  const feedback = await db.ambassadorFeedback.updateMany({
    where: { shop, ambassadorId: { in: ambassadorIds } },
    data: { message: ERASED },
  });
  return { applications: applications.length, contentSubmissions: content.count, feedback: feedback.count };
}

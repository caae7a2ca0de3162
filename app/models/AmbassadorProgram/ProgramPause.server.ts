/**
 * Pausing the program, and what happens to codes when the app is uninstalled.
 *
 * Shopify revokes the app's token before app/uninstalled arrives, so after an uninstall
 * the app cannot touch the program discount: ambassador codes keep working until the
 * merchant deletes the discount in Shopify admin. A merchant who wants codes to stop uses
 * "Pause all codes" (the discount is deactivated in Shopify) BEFORE uninstalling.
 * Uninstalling pauses the program (no code provisioning, no payouts: the jobs check
 * `isProgramPaused`); after a reinstall it stays paused until the merchant resumes it.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { adminQuery } from "../../utils/admin-graphql.server";
import { ProgramDiscountActivateMutation } from "../../graphql/ProgramDiscountActivateMutation";
import { ProgramDiscountDeactivateMutation } from "../../graphql/ProgramDiscountDeactivateMutation";
import { describeUserErrors, type ShopifyUserError } from "./user-errors";

type Db = Prisma.TransactionClient;

export interface ProgramStatus {
  paused: boolean;
  pausedAt: Date | null;
  /** "uninstalled" | "merchant" */
  pauseReason: string | null;
  /** The program discount is deactivated in Shopify. */
  codesPaused: boolean;
  hasDiscount: boolean;
  /** The codes' state the last uninstall left ("working" | "paused"), if it happened. */
  codesAtUninstall: string | null;
  uninstalledAt: Date | null;
}

export async function programStatus(shop: string): Promise<ProgramStatus> {
  const [program, shopRow] = await Promise.all([
    prisma.ambassadorProgram.findUnique({ where: { shop }, select: { pausedAt: true, pauseReason: true, codesPausedAt: true, programDiscountId: true } }),
    prisma.shop.findUnique({ where: { shop }, select: { codesAtUninstall: true, uninstalledAt: true } }),
  ]);
  return {
    paused: Boolean(program?.pausedAt),
    pausedAt: program?.pausedAt ?? null,
    pauseReason: program?.pauseReason ?? null,
    codesPaused: Boolean(program?.codesPausedAt),
    hasDiscount: Boolean(program?.programDiscountId),
    codesAtUninstall: shopRow?.codesAtUninstall ?? null,
    uninstalledAt: shopRow?.uninstalledAt ?? null,
  };
}

/** Jobs that would call Shopify for the program (codes, payouts) do nothing while this is true. */
export async function isProgramPaused(db: Db, shop: string): Promise<boolean> {
  const [program, shopRow] = await Promise.all([
    db.ambassadorProgram.findUnique({ where: { shop }, select: { pausedAt: true } }),
    db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } }),
  ]);
  return Boolean(program?.pausedAt || shopRow?.uninstalledAt);
}

export async function pauseProgram(shop: string) {
  await prisma.ambassadorProgram.upsert({
    where: { shop },
    create: { shop, pausedAt: new Date(), pauseReason: "merchant" },
    update: { pausedAt: new Date(), pauseReason: "merchant" },
  });
}

/** The merchant resumes the program (after a pause or a reinstall); the caller restarts the jobs. */
export async function resumeProgram(shop: string) {
  await prisma.ambassadorProgram.updateMany({ where: { shop }, data: { pausedAt: null, pauseReason: null } });
}

export type CodesResult = { ok: true } | { ok: false; errors: string[] };

/**
 * "Pause all codes" / "Turn codes back on": deactivates or activates the program discount
 * in Shopify. Shopify's userErrors are returned in plain words and nothing is recorded.
 */
export async function setCodesPaused(graphql: AdminGraphqlClient, shop: string, paused: boolean): Promise<CodesResult> {
  const program = await prisma.ambassadorProgram.findUnique({ where: { shop }, select: { programDiscountId: true } });
  if (!program?.programDiscountId) {
    return { ok: false, errors: ["There are no ambassador codes in Shopify yet: approve an ambassador first."] };
  }
  const userErrors = (
    paused
      ? (await adminQuery(graphql, ProgramDiscountDeactivateMutation, { id: program.programDiscountId })).discountCodeDeactivate?.userErrors
      : (await adminQuery(graphql, ProgramDiscountActivateMutation, { id: program.programDiscountId })).discountCodeActivate?.userErrors
  ) as ShopifyUserError[] | undefined;
  if (userErrors && userErrors.length > 0) return { ok: false, errors: describeUserErrors(userErrors) };
  await prisma.ambassadorProgram.update({ where: { shop }, data: { codesPausedAt: paused ? new Date() : null } });
  return { ok: true };
}

/**
 * Ambassadors and their lifecycle: invited → active → paused / removed (and back), and the
 * storefront applications that lead there. Everything here is a database decision; what
 * it means in Shopify (codes, tag, metafields, Flow trigger) is done afterwards by the
 * provisioning job (CodeProvisioning.server.ts), which reads these rows and can resume
 * after a crash. Callers enqueue that job after a change (see app/jobs/provisioning).
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { setCandidateDecision } from "../Candidate/Candidate.server";
import { markMetricsStale } from "../Analytics/MetricsCache.server";
import { recordProgramEvent } from "../ProgramEvents/ProgramEvents.server";
import { getAmbassadorProgram } from "../AmbassadorProgram/AmbassadorProgram.server";
import {
  codeFormatError,
  generateCode,
  normalizeCode,
} from "../AmbassadorProgram/code-format";
import {
  activateWithCodes,
  customersWithAmbassadors,
  heldCodes,
  insertCodes,
  insertEvents,
  insertInvitedAmbassadors,
  takenCodes,
} from "./approval-queries.server";

type Db = Prisma.TransactionClient;

export { AMBASSADOR_STATES, type AmbassadorState } from "./states";

/** What a code generator may try before giving up on a name (then it adds digits). */
const CODE_TRIES_PER_LENGTH = 12;

async function recordEvent(db: Db, shop: string, ambassadorId: string, kind: string, detail = "") {
  await db.ambassadorEvent.create({ data: { shop, ambassadorId, kind, detail } });
}

/**
 * A code no ambassador of this shop ever held: name + digits, with more digits after
 * repeated collisions (many ambassadors called Jane). Shopify may still refuse it (a
 * merchant's own discount can use the same code); provisioning then picks another.
 */
export async function newUniqueCode(
  db: Db,
  shop: string,
  firstName: string | null,
  digits: number,
  random: () => number = Math.random,
): Promise<string> {
  const [code] = await newUniqueCodes(db, shop, [firstName], digits, random);
  return code;
}

/**
 * newUniqueCode for many ambassadors at once, distinct from each other: each round tries
 * one code for every name still without one and looks them all up in one query.
 */
export async function newUniqueCodes(
  db: Db,
  shop: string,
  firstNames: (string | null)[],
  digits: number,
  random: () => number = Math.random,
): Promise<string[]> {
  const codes: string[] = new Array(firstNames.length);
  const chosen = new Set<string>();
  let waiting = firstNames.map((_, i) => i);
  // Two more digits than the setting before giving up: 100× the room.
  for (let round = 0; waiting.length > 0; round++) {
    const length = digits + Math.floor(round / CODE_TRIES_PER_LENGTH);
    if (length > digits + 2) throw new Error(`Could not find a free code for "${firstNames[waiting[0]] ?? ""}"`);
    const tries = waiting.map((i) => generateCode(firstNames[i], length, random));
    const unavailable = await takenCodes(db, shop, [...new Set(tries)]);
    const next: number[] = [];
    waiting.forEach((i, k) => {
      const code = tries[k];
      if (unavailable.has(code) || chosen.has(code)) next.push(i);
      else {
        codes[i] = code;
        chosen.add(code);
      }
    });
    waiting = next;
  }
  return codes;
}

/**
 * Makes an ambassador active with a code Shopify should have: their previous code again
 * when they had one that was only switched off ("reactivating restores it"), else a new
 * one. The code row starts `absent`; provisioning adds it to the program discount.
 */
async function activate(
  db: Db,
  shop: string,
  ambassador: { id: string; firstName: string | null; code: string | null; status: string },
  options: { batchId: string | null; codeDigits: number; event: string },
) {
  const previous = ambassador.code
    ? await db.ambassadorCode.findUnique({ where: { shop_code: { shop, code: ambassador.code } } })
    : null;
  let code: string;
  if (previous && previous.wanted !== "retired" && previous.shopifyState !== "failed") {
    code = previous.code;
    await db.ambassadorCode.update({
      where: { id: previous.id },
      data: { wanted: "active", batchId: options.batchId ?? previous.batchId },
    });
  } else {
    code = await newUniqueCode(db, shop, ambassador.firstName, options.codeDigits);
    await db.ambassadorCode.create({
      data: { shop, ambassadorId: ambassador.id, code, batchId: options.batchId },
    });
  }
  const now = new Date();
  await db.ambassador.update({
    where: { id: ambassador.id },
    data: {
      status: "active",
      code,
      ...(code !== ambassador.code ? { metafieldsCode: null } : {}),
      activatedAt: now,
      pausedAt: null,
      removedAt: null,
      lastError: null,
      // A comeback from "removed" gets its tag and welcome again.
      ...(ambassador.status === "removed" ? { welcomeSyncedAt: null } : {}),
    },
  });
  await recordEvent(db, shop, ambassador.id, options.event, `Code ${code}`);
  return code;
}

function splitName(displayName: string | null): { firstName: string | null; lastName: string | null } {
  const parts = (displayName ?? "").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return { firstName: null, lastName: null };
  return { firstName: parts[0], lastName: parts.slice(1).join(" ") || null };
}

export interface ApprovalResult {
  /** Ambassadors activated (or already active) by this call. */
  approved: string[];
  /** The batch whose progress the admin shows; null when nothing new was queued. */
  batchId: string | null;
  errors: { id: string; message: string }[];
}

/**
 * Candidates page: approve customers as ambassadors. Each gets an Ambassador row (or has
 * theirs reactivated) and a code queued for Shopify, in one transaction with the
 * candidate decision; one ApprovalBatch carries the progress bar.
 */
export async function approveCandidates(shop: string, customerIds: string[]): Promise<ApprovalResult> {
  const program = await getAmbassadorProgram(shop);
  return prisma.$transaction(async (tx) => {
    const decision = await setCandidateDecision(shop, customerIds, "approved", tx);
    const errors = decision.unknown.map((id) => ({ id, message: "Not a customer of this shop" }));
    // Set-wise (a page approves hundreds at once): the customers with their ambassadors in
    // one read, the new ambassadors in one insert.
    const customers = await customersWithAmbassadors(tx, shop, decision.updated);
    const created = await insertInvitedAmbassadors(
      tx,
      shop,
      customers
        .filter((customer) => customer.ambassadorId === null)
        .map((customer) => ({ customerId: customer.customerId, email: customer.email, ...splitName(customer.displayName) })),
      new Date(),
    );
    const toActivate: Array<{ id: string; firstName: string | null; code: string | null; status: string }> = [];
    const approved: string[] = [];
    for (const customer of customers) {
      if (customer.ambassadorId !== null && customer.status === "active") approved.push(customer.ambassadorId);
      else if (customer.ambassadorId !== null) {
        toActivate.push({ id: customer.ambassadorId, firstName: customer.firstName, code: customer.code, status: customer.status as string });
      } else {
        const id = created.get(customer.customerId) as string;
        toActivate.push({ id, firstName: splitName(customer.displayName).firstName, code: null, status: "invited" });
      }
    }
    const batchId = await activateAll(tx, shop, toActivate, program.codeDigits, "approved");
    return { approved: [...approved, ...toActivate.map((a) => a.id)], batchId, errors };
  });
}

/**
 * `activate` for many ambassadors, in a handful of statements whatever their number: each
 * gets their previous code again when it was only switched off, else a new one.
 */
async function activateAll(
  tx: Db,
  shop: string,
  ambassadors: Array<{ id: string; firstName: string | null; code: string | null; status: string }>,
  codeDigits: number,
  event: string,
): Promise<string | null> {
  if (ambassadors.length === 0) return null;
  const batch = await tx.approvalBatch.create({ data: { shop, total: ambassadors.length } });
  const previous = new Map(
    (await heldCodes(tx, shop, ambassadors.flatMap((a) => (a.code ? [a.code] : [])))).map((row) => [row.code, row]),
  );
  const codeOf = new Map<string, string>();
  const restored: string[] = [];
  const needNew: typeof ambassadors = [];
  for (const ambassador of ambassadors) {
    const held = ambassador.code ? previous.get(ambassador.code) : undefined;
    if (held && held.wanted !== "retired" && held.shopifyState !== "failed") {
      codeOf.set(ambassador.id, held.code);
      restored.push(held.id);
    } else {
      needNew.push(ambassador);
    }
  }
  if (restored.length > 0) {
    await tx.ambassadorCode.updateMany({ where: { shop, id: { in: restored } }, data: { wanted: "active", batchId: batch.id } });
  }
  const fresh = await newUniqueCodes(tx, shop, needNew.map((a) => a.firstName), codeDigits);
  const now = new Date();
  await insertCodes(tx, shop, needNew.map((ambassador, i) => ({ ambassadorId: ambassador.id, code: fresh[i] })), batch.id, now);
  needNew.forEach((ambassador, i) => codeOf.set(ambassador.id, fresh[i]));
  const withCodes = ambassadors.map((a) => ({ ambassadorId: a.id, code: codeOf.get(a.id) as string }));
  await activateWithCodes(tx, shop, withCodes, now);
  await insertEvents(tx, shop, withCodes.map((a) => ({ ambassadorId: a.ambassadorId, detail: `Code ${a.code}` })), event, now);
  // Retention compares ambassadors before and after joining: once per approval, not per row.
  await markMetricsStale(tx, shop);
  return batch.id;
}

/**
 * Candidates page: invite customers. They become ambassadors in state "invited" (no code
 * yet); when they apply from the storefront they are approved at once, and the merchant
 * can approve them any time.
 */
export async function inviteCandidates(shop: string, customerIds: string[]) {
  return prisma.$transaction(async (tx) => {
    const decision = await setCandidateDecision(shop, customerIds, "invited", tx);
    const customers = await tx.customerStats.findMany({
      where: { shop, customerId: { in: decision.updated } },
      select: { customerId: true, displayName: true, email: true },
    });
    let invited = 0;
    for (const customer of customers) {
      const existing = await tx.ambassador.findUnique({
        where: { shop_customerId: { shop, customerId: customer.customerId } },
      });
      if (existing) continue;
      const ambassador = await tx.ambassador.create({
        data: {
          shop,
          customerId: customer.customerId,
          status: "invited",
          source: "candidate",
          email: customer.email,
          invitedAt: new Date(),
          ...splitName(customer.displayName),
        },
      });
      await recordEvent(tx, shop, ambassador.id, "invited");
      invited++;
    }
    return { invited, unknown: decision.unknown };
  });
}

/**
 * Applications queue (and the storefront's auto-approve): approve applications. The
 * applicant's ambassador is found by customer id, then by email, else created; without a
 * Shopify customer id, provisioning finds or creates the customer by email.
 */
export async function approveApplications(shop: string, applicationIds: string[]): Promise<ApprovalResult> {
  const program = await getAmbassadorProgram(shop);
  return prisma.$transaction(async (tx) => {
    const applications = await tx.ambassadorApplication.findMany({
      where: { shop, id: { in: applicationIds } },
    });
    const found = new Set(applications.map((a) => a.id));
    const errors = applicationIds
      .filter((id) => !found.has(id))
      .map((id) => ({ id, message: "No such application" }));
    const toActivate: Array<{ id: string; firstName: string | null; code: string | null; status: string }> = [];
    const approved: string[] = [];
    const approvedCustomers: (string | null)[] = [];
    for (const application of applications) {
      if (application.status === "rejected" || application.personalDataErasedAt) {
        errors.push({ id: application.id, message: "This application was rejected or erased" });
        continue;
      }
      let ambassador =
        (application.customerId
          ? await tx.ambassador.findUnique({
              where: { shop_customerId: { shop, customerId: application.customerId } },
            })
          : null) ??
        (await tx.ambassador.findFirst({ where: { shop, email: application.email } }));
      const { firstName, lastName } = splitName(application.name);
      if (!ambassador) {
        ambassador = await tx.ambassador.create({
          data: {
            shop,
            customerId: application.customerId,
            status: "invited",
            source: "application",
            firstName,
            lastName,
            email: application.email,
            socialHandle: application.socialHandle || null,
          },
        });
      } else {
        ambassador = await tx.ambassador.update({
          where: { id: ambassador.id },
          data: {
            customerId: ambassador.customerId ?? application.customerId,
            socialHandle: application.socialHandle || ambassador.socialHandle,
            firstName: ambassador.firstName ?? firstName,
          },
        });
      }
      await tx.ambassadorApplication.update({
        where: { id: application.id },
        data: { status: "approved", ambassadorId: ambassador.id, decidedAt: new Date() },
      });
      approvedCustomers.push(ambassador.customerId);
      if (ambassador.status === "active") approved.push(ambassador.id);
      else toActivate.push(ambassador);
    }
    const batchId = await activateAll(tx, shop, toActivate, program.codeDigits, "approved");
    // Candidates shows the same truth as Ambassadors: the applicant is approved there too.
    const customerIds = approvedCustomers.filter((id): id is string => id !== null);
    if (customerIds.length > 0) await setCandidateDecision(shop, customerIds, "approved", tx);
    return { approved: [...approved, ...toActivate.map((a) => a.id)], batchId, errors };
  });
}

/** Applications queue: reject. Nothing happens in Shopify. */
export async function rejectApplications(shop: string, applicationIds: string[]) {
  const { count } = await prisma.ambassadorApplication.updateMany({
    where: { shop, id: { in: applicationIds }, status: "pending" },
    data: { status: "rejected", decidedAt: new Date() },
  });
  return { rejected: count };
}

export type LifecycleResult = { ok: true } | { ok: false; error: string };

async function withAmbassador(
  shop: string,
  ambassadorId: string,
  change: (tx: Db, ambassador: NonNullable<Awaited<ReturnType<Db["ambassador"]["findFirst"]>>>) => Promise<LifecycleResult>,
): Promise<LifecycleResult> {
  return prisma.$transaction(async (tx) => {
    const ambassador = await tx.ambassador.findFirst({ where: { id: ambassadorId, shop } });
    if (!ambassador) return { ok: false, error: "This ambassador does not exist in your store." };
    return change(tx, ambassador);
  });
}

/** Switches the ambassador's codes off in Shopify (provisioning removes them). */
async function switchCodesOff(tx: Db, shop: string, ambassadorId: string) {
  await tx.ambassadorCode.updateMany({
    where: { shop, ambassadorId, wanted: "active" },
    data: { wanted: "inactive" },
  });
}

/** Pause: the code stops working in Shopify; history, tag and code are kept. */
export function pauseAmbassador(shop: string, ambassadorId: string) {
  return withAmbassador(shop, ambassadorId, async (tx, ambassador) => {
    if (ambassador.status !== "active") return { ok: false, error: "Only an active ambassador can be paused." };
    await switchCodesOff(tx, shop, ambassador.id);
    await tx.ambassador.update({ where: { id: ambassador.id }, data: { status: "paused", pausedAt: new Date() } });
    await recordEvent(tx, shop, ambassador.id, "paused", ambassador.code ? `Code ${ambassador.code} switched off` : "");
    await recordProgramEvent(tx, shop, { kind: "ambassador_paused_or_removed", subject: `${ambassador.id}:paused:${Date.now()}`, ambassadorId: ambassador.id, data: { status: "paused" } });
    return { ok: true };
  });
}

/** Remove: the code stops working and the tag is taken off; history is kept. */
export function removeAmbassador(shop: string, ambassadorId: string) {
  return withAmbassador(shop, ambassadorId, async (tx, ambassador) => {
    if (ambassador.status === "removed") return { ok: false, error: "This ambassador was already removed." };
    await switchCodesOff(tx, shop, ambassador.id);
    await tx.ambassador.update({ where: { id: ambassador.id }, data: { status: "removed", removedAt: new Date() } });
    if (ambassador.customerId) {
      await setCandidateDecision(shop, [ambassador.customerId], "dismissed", tx);
    }
    await recordEvent(tx, shop, ambassador.id, "removed");
    await recordProgramEvent(tx, shop, { kind: "ambassador_paused_or_removed", subject: `${ambassador.id}:removed:${Date.now()}`, ambassadorId: ambassador.id, data: { status: "removed" } });
    return { ok: true };
  });
}

/** Reactivate a paused or removed ambassador (or approve an invited one): same code again. */
export async function reactivateAmbassador(shop: string, ambassadorId: string) {
  const program = await getAmbassadorProgram(shop);
  return withAmbassador(shop, ambassadorId, async (tx, ambassador) => {
    if (ambassador.status === "active") return { ok: false, error: "This ambassador is already active." };
    await activate(tx, shop, ambassador, {
      batchId: null,
      codeDigits: program.codeDigits,
      event: ambassador.status === "invited" ? "approved" : "reactivated",
    });
    await markMetricsStale(tx, shop);
    if (ambassador.customerId) await setCandidateDecision(shop, [ambassador.customerId], "approved", tx);
    return { ok: true };
  });
}

/**
 * Give the ambassador a different code: the merchant's (validated like generated ones)
 * or a fresh generated one. The old code is retired — switched off in Shopify, kept here
 * so orders that used it are still theirs.
 */
export async function changeCode(shop: string, ambassadorId: string, requested?: string) {
  const program = await getAmbassadorProgram(shop);
  return withAmbassador(shop, ambassadorId, async (tx, ambassador) => {
    if (ambassador.status === "removed") return { ok: false, error: "Reactivate this ambassador before changing the code." };
    let code: string;
    if (requested !== undefined) {
      code = normalizeCode(requested);
      const formatError = codeFormatError(code);
      if (formatError) return { ok: false, error: formatError };
      if (code === ambassador.code) return { ok: false, error: "That is already this ambassador's code." };
      const taken = await tx.ambassadorCode.findUnique({ where: { shop_code: { shop, code } } });
      if (taken) {
        return {
          ok: false,
          error: "This code was already used in the program. Codes are never reused, so old orders stay with their ambassador.",
        };
      }
    } else {
      code = await newUniqueCode(tx, shop, ambassador.firstName, program.codeDigits);
    }
    await tx.ambassadorCode.updateMany({
      where: { shop, ambassadorId: ambassador.id, wanted: { not: "retired" } },
      data: { wanted: "retired", retiredAt: new Date() },
    });
    await tx.ambassadorCode.create({
      data: {
        shop,
        ambassadorId: ambassador.id,
        code,
        wanted: ambassador.status === "active" ? "active" : "inactive",
        chosenByMerchant: requested !== undefined,
      },
    });
    await tx.ambassador.update({ where: { id: ambassador.id }, data: { code, lastError: null, metafieldsCode: null } });
    await recordEvent(
      tx,
      shop,
      ambassador.id,
      "code_changed",
      `${ambassador.code ?? "—"} → ${code}${requested !== undefined ? " (set by you)" : " (regenerated)"}`,
    );
    return { ok: true };
  });
}

const NOTES_MAX = 5_000;

export function updateNotes(shop: string, ambassadorId: string, notes: string) {
  return withAmbassador(shop, ambassadorId, async (tx, ambassador) => {
    if (notes.length > NOTES_MAX) return { ok: false, error: `Notes can be at most ${NOTES_MAX.toLocaleString("en")} characters.` };
    await tx.ambassador.update({ where: { id: ambassador.id }, data: { notes } });
    return { ok: true };
  });
}

/**
 * customers/redact: the ambassador's name, email, social handle and the merchant's notes
 * are erased. The code, its history and the results stay (ids, codes, counts, dates), so
 * attribution and the program's totals remain right. Idempotent.
 */
export async function eraseAmbassadorPersonalData(
  shop: string,
  customer: { customerId: string; email?: string | null },
  db: Db = prisma,
) {
  const email = customer.email?.trim().toLowerCase() || null;
  const { count } = await db.ambassador.updateMany({
    where: { shop, OR: [{ customerId: customer.customerId }, ...(email ? [{ email }] : [])] },
    data: {
      firstName: null,
      lastName: null,
      email: null,
      socialHandle: null,
      notes: "",
      personalDataErasedAt: new Date(),
    },
  });
  return count;
}

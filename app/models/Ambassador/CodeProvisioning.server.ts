/**
 * Makes Shopify match the ambassadors' rows: codes added to or removed from the program
 * discount, and for each activation the customer tag, the customer metafields (code and
 * share link, for the merchant's emails) and the "Ambassador approved" Flow trigger.
 *
 * It is a reconcile loop over database state, so it can stop anywhere (crash, restart)
 * and resume: a code is `absent` → `adding` (with the bulk creation's id) → `present`,
 * or `present` → `removing` (with the job's id) → `absent`. Codes are added 250 to a call
 * (`discountRedeemCodeBulkAdd`), and every request is paced on Shopify's leaky bucket.
 */
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { pacedAdmin, type PacedAdmin } from "../../utils/paced-admin.server";
import type { RedeemCodeBulkCreationErrorsQuery } from "../../types/admin.generated";
import { ProgramDiscountCreateMutation } from "../../graphql/ProgramDiscountCreateMutation";
import { RedeemCodesAddMutation } from "../../graphql/RedeemCodesAddMutation";
import { RedeemCodeBulkCreationQuery } from "../../graphql/RedeemCodeBulkCreationQuery";
import { RedeemCodeBulkCreationErrorsQuery as RedeemCodeBulkCreationErrors } from "../../graphql/RedeemCodeBulkCreationErrorsQuery";
import { RedeemCodeLookupQuery } from "../../graphql/RedeemCodeLookupQuery";
import { RedeemCodesDeleteMutation } from "../../graphql/RedeemCodesDeleteMutation";
import { JobStatusQuery } from "../../graphql/JobStatusQuery";
import { CustomerTagsAddMutation } from "../../graphql/CustomerTagsAddMutation";
import { CustomerTagsRemoveMutation } from "../../graphql/CustomerTagsRemoveMutation";
import { AmbassadorMetafieldsSetMutation } from "../../graphql/AmbassadorMetafieldsSetMutation";
import { AmbassadorMetafieldsDeleteMutation } from "../../graphql/AmbassadorMetafieldsDeleteMutation";
import { AmbassadorApprovedFlowTriggerMutation } from "../../graphql/AmbassadorApprovedFlowTriggerMutation";
import { CustomerByEmailQuery } from "../../graphql/CustomerByEmailQuery";
import { CustomerCreateMutation } from "../../graphql/CustomerCreateMutation";
import { CodeDiscountByCodeQuery } from "../../graphql/CodeDiscountByCodeQuery";
import {
  getAmbassadorProgram,
  PROGRAM_DISCOUNT_TITLE,
  programDiscountInput,
  setProgramDiscountId,
  storefrontUrlFor,
  type AmbassadorProgram,
} from "../AmbassadorProgram/AmbassadorProgram.server";
import { shareLinkFor } from "../AmbassadorProgram/share-link";
import { describeUserErrors, type ShopifyUserError } from "../AmbassadorProgram/user-errors";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import { newUniqueCode } from "./Ambassador.server";
import { recordProgramEvent } from "../ProgramEvents/ProgramEvents.server";

export interface ProvisioningOptions {
  /** How long to wait before looking again at a bulk creation or removal job. */
  pollIntervalMs: number;
  /**
   * "codes" stops after the discount codes (the code-issuance benchmark measures just
   * that); "all" (default) also does tags, metafields and the Flow trigger.
   */
  scope?: "codes" | "all";
  throttleBackoffMs: number;
  /** Fresh codes tried when Shopify refuses one (e.g. a merchant discount already uses it). */
  maxCodeReplacements: number;
}

export const DEFAULT_PROVISIONING_OPTIONS: ProvisioningOptions = {
  pollIntervalMs: 2_000,
  throttleBackoffMs: 1_000,
  maxCodeReplacements: 3,
};

/** Shopify's limit of codes per `discountRedeemCodeBulkAdd` call. */
export const CODES_PER_BULK_ADD = 250;
/** `metafieldsSet` takes 25 metafields; two per ambassador. */
const AMBASSADORS_PER_METAFIELDS_SET = 12;
export const METAFIELD_NAMESPACE = "ambassadors";
export const FLOW_TRIGGER_HANDLE = "ambassador-approved";
/** Mutations cost 10 points per root field (plus what they return; the pacer learns that). */
const MUTATION_COST = 10;

/**
 * The "Ambassador approved" trigger's payload: keys are the field keys declared in
 * extensions/ambassador-approved-trigger/shopify.extension.toml (a customer reference is
 * sent as `customer_id`).
 */
export function ambassadorApprovedPayload(customerId: string, code: string, shareLink: string) {
  return { customer_id: Number(customerId), "Ambassador code": code, "Share link": shareLink };
}

const customerGid = (id: string) => `gid://shopify/Customer/${id}`;
const numericTail = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

interface Context {
  shop: string;
  graphql: AdminGraphqlClient;
  admin: PacedAdmin;
  program: AmbassadorProgram;
  currencyCode: string | null;
  options: ProvisioningOptions;
}

/**
 * Puts an error on an ambassador that the merchant must see (and in their history). Held
 * up ambassadors and codes are left alone until the merchant acts (`retryHeldUp`), so
 * the loop never hammers Shopify with a request it already refused.
 */
async function holdUp(shop: string, ambassadorId: string, message: string, codeId?: string) {
  await prisma.$transaction(async (tx) => {
    await tx.ambassador.update({ where: { id: ambassadorId }, data: { lastError: message } });
    if (codeId) await tx.ambassadorCode.update({ where: { id: codeId }, data: { error: message } });
    await tx.ambassadorEvent.create({ data: { shop, ambassadorId, kind: "error", detail: message } });
  });
}

export interface ProvisioningReport {
  requests: number;
  pointsSpent: number;
  throttled: number;
}

/**
 * Runs until Shopify matches the database for this shop (or only problems the merchant
 * must fix are left). Safe to run again at any time.
 */
export async function provisionAmbassadors(
  graphql: AdminGraphqlClient,
  shop: string,
  options: ProvisioningOptions = DEFAULT_PROVISIONING_OPTIONS,
): Promise<ProvisioningReport> {
  const admin = pacedAdmin(graphql, options);
  const currencyCode = (await getProgramSettings(shop)).currencyCode;
  for (;;) {
    const context: Context = { shop, graphql, admin, program: await getAmbassadorProgram(shop), currencyCode, options };
    let progressed = false;
    progressed = (await removeCodes(context)) || progressed;
    progressed = (await addCodes(context)) || progressed;
    const polled = await pollShopifyJobs(context);
    const waitingOnShopify = polled.waiting;
    progressed = polled.progressed || progressed;
    if (options.scope !== "codes") progressed = (await syncCustomers(context)) || progressed;
    await finishBatches(shop);
    if (!waitingOnShopify && !progressed) break;
    if (waitingOnShopify && !progressed) await sleep(options.pollIntervalMs);
  }
  const { requests, pointsSpent, throttled } = admin.stats;
  return { requests, pointsSpent, throttled };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Adding codes -------------------------------------------------------------------------

/** Codes that should work and are not in Shopify yet, of ambassadors that are active. */
// `wanted: "active"` is only ever set on the code of an active ambassador (the lifecycle
// switches codes off when pausing or removing), so no join with Ambassador is needed.
async function codesToAdd(shop: string, take: number) {
  return prisma.ambassadorCode.findMany({
    where: { shop, wanted: "active", shopifyState: "absent", error: null },
    orderBy: { createdAt: "asc" },
    take,
  });
}

async function addCodes(context: Context): Promise<boolean> {
  const { shop, admin } = context;
  let progressed = false;
  if (!context.program.programDiscountId) {
    const [first] = await codesToAdd(shop, 1);
    if (!first) return false;
    if (!(await createProgramDiscount(context, first))) return true;
    progressed = true;
  }
  for (;;) {
    const batch = await codesToAdd(shop, CODES_PER_BULK_ADD);
    if (batch.length === 0) return progressed;
    const { discountRedeemCodeBulkAdd: result } = await admin.request(
      RedeemCodesAddMutation,
      { discountId: context.program.programDiscountId as string, codes: batch.map((c) => ({ code: c.code })) },
      MUTATION_COST,
    );
    const userErrors = (result?.userErrors ?? []) as ShopifyUserError[];
    if (userErrors.some((e) => e.field?.includes("discountId")) && !(await programDiscountExists(context))) {
      // The merchant deleted the program discount in Shopify: its codes went with it.
      await setProgramDiscountId(shop, null);
      await prisma.ambassadorCode.updateMany({
        where: { shop, shopifyState: { in: ["present", "adding"] } },
        data: { shopifyState: "absent", bulkCreationId: null },
      });
      context.program = { ...context.program, programDiscountId: null };
      return true;
    }
    if (userErrors.length > 0 || !result?.bulkCreation) {
      const message = `Shopify refused the codes: ${describeUserErrors(userErrors).join(" ")}`;
      for (const code of batch) await holdUp(shop, code.ambassadorId, message, code.id);
      return true;
    }
    await prisma.ambassadorCode.updateMany({
      where: { shop, id: { in: batch.map((c) => c.id) }, shopifyState: "absent" },
      data: { shopifyState: "adding", bulkCreationId: result.bulkCreation.id },
    });
    progressed = true;
  }
}

/** Whether Shopify still has the program discount (the merchant may delete it in admin). */
async function programDiscountExists(context: Context): Promise<boolean> {
  const discountId = context.program.programDiscountId;
  if (!discountId) return false;
  const { codeDiscountNode } = await context.admin.request(
    RedeemCodeLookupQuery,
    { discountId, query: "code:-" },
    8,
  );
  return codeDiscountNode !== null;
}

/**
 * The program discount is created with the first ambassador's code (Shopify needs one);
 * every later code is added to it in bulk. Returns false when Shopify refused the offer
 * itself — then every waiting ambassador shows the reason until the merchant fixes it.
 */
async function createProgramDiscount(
  context: Context,
  first: { id: string; code: string; ambassadorId: string; batchId: string | null; chosenByMerchant: boolean },
): Promise<boolean> {
  const { shop } = context;
  const { discountCodeBasicCreate: result } = await context.admin.request(
    ProgramDiscountCreateMutation,
    {
      discount: programDiscountInput(context.program, context.currencyCode, {
        code: first.code,
        startsAt: new Date(),
      }),
    },
    MUTATION_COST,
  );
  const userErrors = (result?.userErrors ?? []) as ShopifyUserError[];
  if (result?.codeDiscountNode && userErrors.length === 0) {
    await setProgramDiscountId(shop, result.codeDiscountNode.id);
    await markPresent([first.id]);
    context.program = { ...context.program, programDiscountId: result.codeDiscountNode.id };
    return true;
  }
  if (userErrors.length > 0 && userErrors.every((e) => e.field?.includes("code"))) {
    // A crash after Shopify created the discount, before we stored its id: adopt it.
    const owner = await codeOwner(context, first.code);
    if (owner?.title === PROGRAM_DISCOUNT_TITLE) {
      await setProgramDiscountId(shop, owner.id);
      await markPresent([first.id]);
      context.program = { ...context.program, programDiscountId: owner.id };
      return true;
    }
    // Only the code was the problem: give that ambassador another one and go on.
    await refuseCode(context, first, userErrors);
    return true;
  }
  const message = `Shopify refused the program discount: ${describeUserErrors(userErrors).join(" ")} Check the offer in Program settings.`;
  const waiting = await codesToAdd(shop, 10_000);
  for (const code of waiting) await holdUp(shop, code.ambassadorId, message, code.id);
  return false;
}

async function markPresent(codeIds: string[]) {
  if (codeIds.length === 0) return;
  await prisma.ambassadorCode.updateMany({
    where: { id: { in: codeIds } },
    data: { shopifyState: "present", bulkCreationId: null, activatedAt: new Date(), error: null },
  });
}

/** The discount that holds a code in Shopify, if any. */
async function codeOwner(context: Context, code: string) {
  const { codeDiscountNodeByCode: node } = await context.admin.request(CodeDiscountByCodeQuery, { code }, 3);
  if (!node) return null;
  const title = node.codeDiscount && "title" in node.codeDiscount ? node.codeDiscount.title : null;
  return { id: node.id, title };
}

const TAKEN = /taken|already (been )?(used|exists)|must be unique/i;

/**
 * Shopify would not add a code. If it is already in our program discount (a crash after
 * Shopify added it but before we wrote that down), it is simply present. If another
 * discount of the store uses it, the ambassador gets a fresh code, a few times. Anything
 * else is shown to the merchant.
 */
async function refuseCode(
  context: Context,
  code: { id: string; code: string; ambassadorId: string; batchId: string | null; chosenByMerchant: boolean },
  errors: ShopifyUserError[],
) {
  const { shop } = context;
  const taken = errors.some((e) => e.code === "TAKEN" || TAKEN.test(e.message));
  if (taken && context.program.programDiscountId) {
    const owner = await codeOwner(context, code.code);
    if (owner?.id === context.program.programDiscountId) {
      await markPresent([code.id]);
      return;
    }
  }
  const message = taken
    ? `The code ${code.code} is already used by another discount in your store.`
    : describeUserErrors(errors).join(" ");
  const replacements = await prisma.ambassadorCode.count({
    where: { shop, ambassadorId: code.ambassadorId, shopifyState: "failed" },
  });
  await prisma.$transaction(async (tx) => {
    const ambassador = await tx.ambassador.findUniqueOrThrow({ where: { id: code.ambassadorId } });
    const replace =
      taken &&
      !code.chosenByMerchant &&
      replacements < context.options.maxCodeReplacements &&
      ambassador.code === code.code;
    await tx.ambassadorCode.update({
      where: { id: code.id },
      // A replacement takes over the batch, so the progress bar counts this ambassador once.
      data: { shopifyState: "failed", bulkCreationId: null, error: message, ...(replace ? { batchId: null } : {}) },
    });
    if (!replace) {
      await tx.ambassador.update({
        where: { id: ambassador.id },
        data: { lastError: `${message} Edit or regenerate the code.` },
      });
      await tx.ambassadorEvent.create({ data: { shop, ambassadorId: ambassador.id, kind: "error", detail: message } });
      return;
    }
    const fresh = await newUniqueCode(tx, shop, ambassador.firstName, context.program.codeDigits);
    await tx.ambassadorCode.create({
      data: { shop, ambassadorId: ambassador.id, code: fresh, batchId: code.batchId },
    });
    await tx.ambassador.update({ where: { id: ambassador.id }, data: { code: fresh, metafieldsCode: null } });
    await tx.ambassadorEvent.create({
      data: { shop, ambassadorId: ambassador.id, kind: "code_replaced", detail: `${message} New code ${fresh}.` },
    });
  });
}

// ---- Removing codes -----------------------------------------------------------------------

async function removeCodes(context: Context): Promise<boolean> {
  const { shop, admin } = context;
  const discountId = context.program.programDiscountId;
  const stale = await prisma.ambassadorCode.findMany({
    where: { shop, wanted: { not: "active" }, shopifyState: "present" },
    take: CODES_PER_BULK_ADD,
  });
  if (stale.length === 0) return false;
  if (!discountId) {
    await prisma.ambassadorCode.updateMany({
      where: { id: { in: stale.map((c) => c.id) } },
      data: { shopifyState: "absent" },
    });
    return true;
  }
  const redeemCodeIds: string[] = [];
  const gone: string[] = [];
  for (const code of stale) {
    const { codeDiscountNode } = await admin.request(
      RedeemCodeLookupQuery,
      { discountId, query: `code:${code.code}` },
      8,
    );
    const codes =
      codeDiscountNode?.codeDiscount && "codes" in codeDiscountNode.codeDiscount
        ? codeDiscountNode.codeDiscount.codes.nodes
        : [];
    const match = codes.find((c) => c.code.toUpperCase() === code.code);
    if (match) redeemCodeIds.push(match.id);
    else gone.push(code.id);
  }
  if (gone.length > 0) {
    await prisma.ambassadorCode.updateMany({ where: { id: { in: gone } }, data: { shopifyState: "absent" } });
  }
  if (redeemCodeIds.length === 0) return true;
  const { discountCodeRedeemCodeBulkDelete: result } = await admin.request(
    RedeemCodesDeleteMutation,
    { discountId, ids: redeemCodeIds },
    MUTATION_COST,
  );
  const userErrors = (result?.userErrors ?? []) as ShopifyUserError[];
  const removing = stale.filter((c) => !gone.includes(c.id));
  if (userErrors.length > 0 || !result?.job) {
    const message = `Shopify could not switch off the code: ${describeUserErrors(userErrors).join(" ")}`;
    for (const code of removing) await holdUp(shop, code.ambassadorId, message);
    // Leave them present: the merchant sees the error; the next run tries again.
    return false;
  }
  await prisma.ambassadorCode.updateMany({
    where: { id: { in: removing.map((c) => c.id) }, shopifyState: "present" },
    data: { shopifyState: result.job.done ? "absent" : "removing", removalJobId: result.job.done ? null : result.job.id },
  });
  return true;
}

// ---- Waiting on Shopify's asynchronous work -------------------------------------------------

/** Looks at running bulk creations and removal jobs: which finished, which still run. */
async function pollShopifyJobs(context: Context): Promise<{ waiting: boolean; progressed: boolean }> {
  const { shop, admin } = context;
  let waiting = false;
  let progressed = false;

  const creations = await prisma.ambassadorCode.findMany({
    where: { shop, shopifyState: "adding" },
    distinct: ["bulkCreationId"],
    select: { bulkCreationId: true },
  });
  for (const { bulkCreationId } of creations) {
    if (!bulkCreationId) continue;
    const { discountRedeemCodeBulkCreation: creation } = await admin.request(
      RedeemCodeBulkCreationQuery,
      { id: bulkCreationId },
      1,
    );
    if (creation && !creation.done) {
      waiting = true;
      continue;
    }
    const codes = await prisma.ambassadorCode.findMany({ where: { shop, shopifyState: "adding", bulkCreationId } });
    if (!creation) {
      // Shopify forgot the creation (very old): look again from scratch.
      await prisma.ambassadorCode.updateMany({
        where: { id: { in: codes.map((c) => c.id) } },
        data: { shopifyState: "absent", bulkCreationId: null },
      });
      continue;
    }
    progressed = true;
    const refused = creation.failedCount > 0 ? await refusedCodes(admin, bulkCreationId) : new Map();
    await markPresent(codes.filter((c) => !refused.has(c.code)).map((c) => c.id));
    for (const code of codes) {
      const errors = refused.get(code.code);
      if (errors) await refuseCode(context, code, errors);
    }
  }

  const jobs = await prisma.ambassadorCode.findMany({
    where: { shop, shopifyState: "removing" },
    distinct: ["removalJobId"],
    select: { removalJobId: true },
  });
  for (const { removalJobId } of jobs) {
    if (!removalJobId) continue;
    const { job } = await admin.request(JobStatusQuery, { id: removalJobId }, 1);
    if (job && !job.done) {
      waiting = true;
      continue;
    }
    await prisma.ambassadorCode.updateMany({
      where: { shop, shopifyState: "removing", removalJobId },
      data: { shopifyState: "absent", removalJobId: null },
    });
    progressed = true;
  }
  return { waiting, progressed };
}

/** Per-code errors of a finished bulk creation (read only when some failed). */
async function refusedCodes(admin: PacedAdmin, bulkCreationId: string) {
  const refused = new Map<string, ShopifyUserError[]>();
  let after: string | null = null;
  for (;;) {
    const page: RedeemCodeBulkCreationErrorsQuery = await admin.request(
      RedeemCodeBulkCreationErrors,
      { id: bulkCreationId, after },
      502,
    );
    const connection = page.discountRedeemCodeBulkCreation?.codes;
    if (!connection) break;
    for (const node of connection.nodes) {
      if (node.errors.length > 0) refused.set(node.code.toUpperCase(), node.errors as ShopifyUserError[]);
    }
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor ?? null;
  }
  return refused;
}

// ---- The customer side: tag, metafields, Flow trigger ---------------------------------------

async function syncCustomers(context: Context): Promise<boolean> {
  const { shop } = context;
  let progressed = false;
  // Active ambassadors whose code works in Shopify and whose customer is not up to date.
  // The lifecycle clears `metafieldsCode` whenever the code changes.
  const live = await prisma.ambassador.findMany({
    where: {
      shop,
      status: "active",
      lastError: null,
      code: { not: null },
      OR: [{ welcomeSyncedAt: null }, { metafieldsCode: null }],
    },
    select: {
      id: true, customerId: true, email: true, firstName: true, lastName: true, code: true,
      welcomeSyncedAt: true, metafieldsCode: true,
    },
  });
  const presentCodes = new Set(
    (
      await prisma.ambassadorCode.findMany({
        where: { shop, shopifyState: "present", wanted: "active", code: { in: live.map((a) => a.code as string) } },
        select: { code: true },
      })
    ).map((c) => c.code),
  );
  const due = live.filter((a) => presentCodes.has(a.code as string));

  const ready: Array<{ id: string; customerId: string; code: string; welcomed: boolean }> = [];
  for (const ambassador of due) {
    const customerId = ambassador.customerId ?? (await linkCustomer(context, ambassador));
    if (!customerId) continue;
    ready.push({
      id: ambassador.id,
      customerId,
      code: ambassador.code as string,
      welcomed: Boolean(ambassador.welcomeSyncedAt),
    });
  }
  if (ready.length > 0) {
    const storefrontUrl = await storefrontUrlFor(context.graphql, shop);
    for (let i = 0; i < ready.length; i += AMBASSADORS_PER_METAFIELDS_SET) {
      await welcome(context, ready.slice(i, i + AMBASSADORS_PER_METAFIELDS_SET), storefrontUrl);
    }
    progressed = true;
  }
  return (await untagRemoved(context)) || progressed;
}

/**
 * An applicant without a Shopify customer id: the customer with their email, or a new
 * customer (so tags, metafields and the merchant's emails reach them).
 */
async function linkCustomer(
  context: Context,
  ambassador: { id: string; email: string | null; firstName: string | null; lastName: string | null },
): Promise<string | null> {
  const { shop, admin } = context;
  if (!ambassador.email) {
    await holdUp(shop, ambassador.id, "This ambassador has no email address and no Shopify customer.");
    return null;
  }
  const { customers } = await admin.request(
    CustomerByEmailQuery,
    { query: `email:"${ambassador.email.replace(/["\\]/g, "")}"` },
    3,
  );
  let gid = customers.nodes[0]?.id ?? null;
  if (!gid) {
    const { customerCreate } = await admin.request(
      CustomerCreateMutation,
      { input: { email: ambassador.email, firstName: ambassador.firstName, lastName: ambassador.lastName } },
      MUTATION_COST,
    );
    const userErrors = (customerCreate?.userErrors ?? []) as ShopifyUserError[];
    if (userErrors.length > 0 || !customerCreate?.customer) {
      await holdUp(shop, ambassador.id, `Shopify could not create the customer: ${describeUserErrors(userErrors).join(" ")}`);
      return null;
    }
    gid = customerCreate.customer.id;
  }
  const customerId = numericTail(gid);
  const clash = await prisma.ambassador.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (clash && clash.id !== ambassador.id) {
    await holdUp(shop, ambassador.id, `Another ambassador is already linked to the customer with ${ambassador.email}.`);
    return null;
  }
  await prisma.ambassador.update({ where: { id: ambassador.id }, data: { customerId } });
  return customerId;
}

async function welcome(
  context: Context,
  ambassadors: Array<{ id: string; customerId: string; code: string; welcomed: boolean }>,
  storefrontUrl: string,
) {
  const { shop, admin, program } = context;
  const link = (code: string) => shareLinkFor(storefrontUrl, shop, code);

  // Metafields first, in one call for up to 12 ambassadors (atomic: all or none).
  const { metafieldsSet } = await admin.request(
    AmbassadorMetafieldsSetMutation,
    {
      metafields: ambassadors.flatMap((a) => [
        { ownerId: customerGid(a.customerId), namespace: METAFIELD_NAMESPACE, key: "code", type: "single_line_text_field", value: a.code },
        { ownerId: customerGid(a.customerId), namespace: METAFIELD_NAMESPACE, key: "share_link", type: "url", value: link(a.code) },
      ]),
    },
    MUTATION_COST,
  );
  const metafieldErrors = (metafieldsSet?.userErrors ?? []) as ShopifyUserError[];
  if (metafieldErrors.length > 0) {
    const message = `Shopify refused the customer metafields: ${describeUserErrors(metafieldErrors).join(" ")}`;
    for (const a of ambassadors) await holdUp(shop, a.id, message);
    return;
  }
  await Promise.all(
    ambassadors.map((a) => prisma.ambassador.update({ where: { id: a.id }, data: { metafieldsCode: a.code } })),
  );

  for (const ambassador of ambassadors.filter((a) => !a.welcomed)) {
    const { tagsAdd } = await admin.request(
      CustomerTagsAddMutation,
      { id: customerGid(ambassador.customerId), tags: [program.ambassadorTag] },
      MUTATION_COST,
    );
    const tagErrors = (tagsAdd?.userErrors ?? []) as ShopifyUserError[];
    if (tagErrors.length > 0) {
      await holdUp(shop, ambassador.id, `Shopify refused the customer tag: ${describeUserErrors(tagErrors).join(" ")}`);
      continue;
    }
    const { flowTriggerReceive } = await admin.request(
      AmbassadorApprovedFlowTriggerMutation,
      {
        handle: FLOW_TRIGGER_HANDLE,
        payload: ambassadorApprovedPayload(ambassador.customerId, ambassador.code, link(ambassador.code)),
      },
      MUTATION_COST,
    );
    // Written at once: a welcome must never go out twice. The outbox row carries it to Klaviyo.
    const welcomedAt = new Date();
    await prisma.$transaction([
      prisma.ambassador.update({ where: { id: ambassador.id }, data: { welcomeSyncedAt: welcomedAt } }),
      recordProgramEvent(prisma, shop, {
        kind: "ambassador_approved",
        subject: `${ambassador.id}:${welcomedAt.getTime()}`,
        ambassadorId: ambassador.id,
        data: { shareLink: link(ambassador.code) },
        flowDeliveredAt: welcomedAt,
      }),
    ]);
    const flowErrors = (flowTriggerReceive?.userErrors ?? []) as ShopifyUserError[];
    await prisma.ambassadorEvent.create({
      data: {
        shop,
        ambassadorId: ambassador.id,
        kind: flowErrors.length > 0 ? "flow_failed" : "welcomed",
        detail:
          flowErrors.length > 0
            ? `Tagged "${program.ambassadorTag}"; Shopify Flow refused the trigger: ${describeUserErrors(flowErrors).join(" ")}`
            : `Tagged "${program.ambassadorTag}", code and share link saved on the customer, Flow trigger sent`,
      },
    });
  }
}

/**
 * Removed ambassadors lose the tag and the code metafields (so the merchant's emails and
 * the storefront stop presenting them as ambassadors); paused ones keep both: a pause is
 * temporary.
 */
async function untagRemoved(context: Context): Promise<boolean> {
  const { shop, admin, program } = context;
  const removed = await prisma.ambassador.findMany({
    where: { shop, status: "removed", welcomeSyncedAt: { not: null }, customerId: { not: null }, lastError: null },
    select: { id: true, customerId: true },
    take: 50,
  });
  for (const ambassador of removed) {
    const { tagsRemove } = await admin.request(
      CustomerTagsRemoveMutation,
      { id: customerGid(ambassador.customerId as string), tags: [program.ambassadorTag] },
      MUTATION_COST,
    );
    const errors = (tagsRemove?.userErrors ?? []) as ShopifyUserError[];
    if (errors.length > 0) {
      await holdUp(shop, ambassador.id, `Shopify refused to remove the tag: ${describeUserErrors(errors).join(" ")}`);
      continue;
    }
    const owner = customerGid(ambassador.customerId as string);
    const { metafieldsDelete } = await admin.request(
      AmbassadorMetafieldsDeleteMutation,
      {
        metafields: ["code", "share_link"].map((key) => ({ ownerId: owner, namespace: METAFIELD_NAMESPACE, key })),
      },
      MUTATION_COST,
    );
    const metafieldErrors = (metafieldsDelete?.userErrors ?? []) as ShopifyUserError[];
    if (metafieldErrors.length > 0) {
      await holdUp(shop, ambassador.id, `Shopify refused to delete the code metafields: ${describeUserErrors(metafieldErrors).join(" ")}`);
      continue;
    }
    await prisma.ambassador.update({
      where: { id: ambassador.id },
      data: { welcomeSyncedAt: null, metafieldsCode: null },
    });
  }
  return removed.length > 0;
}

// ---- Progress -----------------------------------------------------------------------------

/** Closes approval batches whose every ambassador has a live code or a problem shown. */
async function finishBatches(shop: string) {
  const open = await prisma.approvalBatch.findMany({ where: { shop, finishedAt: null } });
  for (const batch of open) {
    const progress = await batchProgress(shop, batch.id, batch.total);
    if (progress.codesLive + progress.failed >= batch.total && progress.welcomed + progress.failed >= batch.total) {
      await prisma.approvalBatch.update({ where: { id: batch.id }, data: { finishedAt: new Date() } });
    }
  }
}

export interface BatchProgress {
  total: number;
  codesLive: number;
  welcomed: number;
  failed: number;
}

async function batchProgress(shop: string, batchId: string, total: number): Promise<BatchProgress> {
  const codes = await prisma.ambassadorCode.findMany({
    where: { shop, batchId },
    select: { ambassadorId: true, shopifyState: true },
  });
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, id: { in: codes.map((c) => c.ambassadorId) } },
    select: { id: true, welcomeSyncedAt: true, lastError: true, status: true },
  });
  const failedIds = new Set(ambassadors.filter((a) => a.lastError || a.status !== "active").map((a) => a.id));
  return {
    total,
    codesLive: codes.filter((c) => c.shopifyState === "present" && !failedIds.has(c.ambassadorId)).length,
    welcomed: ambassadors.filter((a) => a.welcomeSyncedAt && !failedIds.has(a.id)).length,
    failed: failedIds.size,
  };
}

/** The approvals still being carried out in Shopify, for the admin's progress bars. */
export async function approvalsInProgress(shop: string): Promise<Array<BatchProgress & { id: string; createdAt: Date }>> {
  const open = await prisma.approvalBatch.findMany({
    where: { shop, finishedAt: null },
    orderBy: { createdAt: "asc" },
  });
  return Promise.all(
    open.map(async (batch) => ({
      id: batch.id,
      createdAt: batch.createdAt,
      ...(await batchProgress(shop, batch.id, batch.total)),
    })),
  );
}

/**
 * The merchant fixed what Shopify refused (the offer, a code) or asks to try again: held
 * up ambassadors and codes go back into the queue.
 */
export async function retryHeldUp(shop: string) {
  await prisma.$transaction(async (tx) => {
    await tx.ambassadorCode.updateMany({
      where: { shop, error: { not: null }, shopifyState: { not: "failed" } },
      data: { error: null },
    });
    await tx.ambassador.updateMany({ where: { shop, lastError: { not: null } }, data: { lastError: null } });
  });
}

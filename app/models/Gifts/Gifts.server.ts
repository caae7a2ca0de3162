/**
 * Gift packages for ambassadors (docs/gifts.md): a welcome package on approval, a thank-you
 * on reaching a tier or milestone, and seasonal batches the merchant picks. Each gift is a
 * free draft order in Shopify (the package's variants, a 100 % discount, the customer's
 * default address, tagged) that the merchant completes and ships as usual.
 *
 * Idempotent per (ambassador, occasion): the Gift row (state "pending") is written before
 * Shopify is asked, and the draft order carries the tag `ambassador-gift-<giftId>`.
 * draftOrderCreate takes no idempotency key, so before creating, a pending gift is looked
 * up by that tag: a draft order created by a run that died before writing it down is
 * found and recorded, never created twice.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { pacedAdmin, type PacedAdmin } from "../../utils/paced-admin.server";
import { GiftDraftOrderCreateMutation } from "../../graphql/GiftDraftOrderCreateMutation";
import { GiftDraftOrderByTagQuery } from "../../graphql/GiftDraftOrderByTagQuery";
import { GiftDraftOrderStatusQuery } from "../../graphql/GiftDraftOrderStatusQuery";
import { GiftVariantsQuery } from "../../graphql/GiftVariantsQuery";
import type { DraftOrderAppliedDiscountType } from "../../types/admin.types";
import { describeUserErrors, type ShopifyUserError } from "../AmbassadorProgram/user-errors";
import { recordProgramEvent } from "../ProgramEvents/ProgramEvents.server";

export interface GiftItem {
  variantId: string;
  title: string;
  quantity: number;
}

export type GiftState = "pending" | "draft" | "completed" | "shipped" | "failed" | "deleted";

/** Tag on every gift draft order, so the merchant can filter them in Shopify. */
export const GIFT_TAG = "ambassador-gift";
export const WELCOME_OCCASION = "welcome";
export const WELCOME_LABEL = "Welcome package";
const MAX_ITEMS = 20;
const MUTATION_COST = 10;

/** The tag that finds one gift's draft order again. */
export const giftTag = (giftId: string) => `${GIFT_TAG}-${giftId}`;

const itemSchema = z.object({
  variantId: z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, "Not a product variant"),
  title: z.string().max(255).default(""),
  quantity: z.coerce.number().int().min(1, "At least 1").max(99, "At most 99"),
});
const itemsSchema = z.array(itemSchema).max(MAX_ITEMS, `At most ${MAX_ITEMS} products in a package`);

function parseItems(value: Prisma.JsonValue): GiftItem[] {
  const parsed = itemsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

// ---- The package ----------------------------------------------------------------------------

export interface GiftSettingsView {
  items: GiftItem[];
  welcomeOnApproval: boolean;
  /** Ambassadors approved from then on get the welcome package by themselves. */
  welcomeFrom: Date | null;
}

export async function getGiftSettings(shop: string): Promise<GiftSettingsView> {
  const row = await prisma.giftSettings.findUnique({ where: { shop } });
  return {
    items: row ? parseItems(row.packageItems) : [],
    welcomeOnApproval: row?.welcomeOnApproval ?? false,
    welcomeFrom: row?.welcomeFrom ?? null,
  };
}

export type SaveGiftSettingsResult = { ok: true; settings: GiftSettingsView } | { ok: false; errors: Record<string, string> };

/**
 * Saves the package picked in the admin. Every variant must exist in Shopify (its title is
 * taken from there); a package sent on approval needs at least one product.
 */
export async function saveGiftSettings(
  graphql: AdminGraphqlClient,
  shop: string,
  input: { items: unknown; welcomeOnApproval: boolean },
): Promise<SaveGiftSettingsResult> {
  const parsed = itemsSchema.safeParse(input.items);
  if (!parsed.success) return { ok: false, errors: { items: parsed.error.issues[0]?.message ?? "Invalid products" } };
  const merged = new Map<string, GiftItem>();
  for (const item of parsed.data) {
    const seen = merged.get(item.variantId);
    merged.set(item.variantId, seen ? { ...seen, quantity: Math.min(99, seen.quantity + item.quantity) } : item);
  }
  const items = [...merged.values()];
  if (input.welcomeOnApproval && items.length === 0) {
    return { ok: false, errors: { items: "Pick at least one product to send a welcome package." } };
  }
  const found = await variantTitles(pacedAdmin(graphql, { throttleBackoffMs: 1000 }), items.map((i) => i.variantId));
  const missing = items.filter((i) => !found.has(i.variantId));
  if (missing.length > 0) {
    return {
      ok: false,
      errors: { items: `${missing.map((i) => i.title || i.variantId).join(", ")} no longer exists in Shopify: pick the products again.` },
    };
  }
  const stored = items.map((i) => ({ ...i, title: found.get(i.variantId) as string }));
  const before = await prisma.giftSettings.findUnique({ where: { shop } });
  // Turning the welcome on starts from now: approving ambassadors later sends theirs, but
  // turning it on never creates draft orders for everyone already in the program.
  const welcomeFrom = input.welcomeOnApproval ? (before?.welcomeOnApproval ? before.welcomeFrom : new Date()) : null;
  const data = { packageItems: stored, welcomeOnApproval: input.welcomeOnApproval, welcomeFrom };
  await prisma.giftSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, settings: { items: stored, welcomeOnApproval: input.welcomeOnApproval, welcomeFrom } };
}

/** The variants of these ids that exist in Shopify, with their display names. */
async function variantTitles(admin: PacedAdmin, ids: string[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    const { nodes } = await admin.request(GiftVariantsQuery, { ids: ids.slice(i, i + 100) }, 1 + ids.length);
    // A product without options has one variant, "Default Title": name the product alone.
    for (const node of nodes) if (node && "displayName" in node) titles.set(node.id, node.displayName.replace(/ - Default Title$/, ""));
  }
  return titles;
}

// ---- Which gifts are due -------------------------------------------------------------------

/**
 * Writes the pending gifts the merchant's rules call for: the welcome package for
 * ambassadors approved since it was turned on, and the package for tiers and milestones marked
 * "send a gift" that ambassadors reached (a milestone once its bonus is approved). A gift already recorded for that occasion is
 * never recorded again, whatever became of it. Returns how many were added.
 */
export async function recordDueGifts(shop: string): Promise<number> {
  const settings = await getGiftSettings(shop);
  if (settings.items.length === 0) return 0;
  const rows: Prisma.GiftCreateManyInput[] = [];
  const gift = (ambassadorId: string, occasion: string, occasionLabel: string) =>
    rows.push({ shop, ambassadorId, occasion, occasionLabel, items: settings.items as unknown as Prisma.InputJsonValue });

  if (settings.welcomeOnApproval && settings.welcomeFrom) {
    const welcomed = await prisma.ambassador.findMany({
      where: { shop, status: "active", activatedAt: { gte: settings.welcomeFrom } },
      select: { id: true },
    });
    for (const a of welcomed) gift(a.id, WELCOME_OCCASION, WELCOME_LABEL);
  }
  const tiers = await prisma.rewardTier.findMany({ where: { shop, giftOnReach: true } });
  if (tiers.length > 0) {
    const reached = await prisma.ambassadorTier.findMany({
      where: { shop, tierId: { in: tiers.map((t) => t.id) } },
      select: { ambassadorId: true, tierId: true },
    });
    const name = new Map(tiers.map((t) => [t.id, t.name]));
    for (const r of reached) gift(r.ambassadorId, `tier:${r.tierId}`, `Reached ${name.get(r.tierId as string)}`);
  }
  const milestones = await prisma.rewardMilestone.findMany({ where: { shop, giftOnReach: true } });
  for (const milestone of milestones) {
    const awarded = await prisma.rewardEntry.findMany({
      // Once the bonus is approved (its hold over): a refunded order sends no gift.
      where: { shop, kind: "milestone", status: { in: ["approved", "paid"] }, sourceKey: { startsWith: `milestone:${milestone.id}:` } },
      select: { ambassadorId: true },
    });
    for (const a of awarded) gift(a.ambassadorId, `milestone:${milestone.id}`, `Milestone: ${milestone.name}`);
  }
  if (rows.length === 0) return 0;
  // Only active ambassadors are thanked (a paused or removed one keeps their tier row).
  const active = new Set(
    (
      await prisma.ambassador.findMany({
        where: { shop, status: "active", id: { in: [...new Set(rows.map((r) => r.ambassadorId))] } },
        select: { id: true },
      })
    ).map((a) => a.id),
  );
  const due = rows.filter((r) => active.has(r.ambassadorId));
  if (due.length === 0) return 0;
  const { count } = await prisma.gift.createMany({ data: due, skipDuplicates: true });
  return count;
}

/**
 * The merchant sends the welcome package to one ambassador by hand (e.g. approved before
 * the package was set up). Nothing happens if they have had one.
 */
export async function requestWelcomeGift(shop: string, ambassadorId: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const settings = await getGiftSettings(shop);
  if (settings.items.length === 0) return { ok: false, error: "Pick the gift package's products first (Gifts)." };
  const ambassador = await prisma.ambassador.findFirst({ where: { shop, id: ambassadorId, status: "active" } });
  if (!ambassador) return { ok: false, error: "Only active ambassadors get gifts." };
  await prisma.gift.createMany({
    data: [{ shop, ambassadorId, occasion: WELCOME_OCCASION, occasionLabel: WELCOME_LABEL, items: settings.items as unknown as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  return { ok: true };
}

/** "Holiday 2026" → "season:holiday-2026": one seasonal gift per ambassador and name. */
export function seasonalOccasion(label: string) {
  return `season:${label.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

export type SeasonalBatchResult =
  | { ok: true; batchId: string | null; queued: number; alreadySent: number }
  | { ok: false; errors: Record<string, string> };

/**
 * A hand-picked seasonal batch: one gift per chosen active ambassador (or every active
 * ambassador in a tier) for this occasion. Ambassadors who already have a gift for it are
 * left out (a second "Holiday 2026" batch sends nothing twice).
 */
export async function requestSeasonalGifts(
  shop: string,
  input: { label: string; ambassadorIds?: string[]; tierId?: string | null },
): Promise<SeasonalBatchResult> {
  const label = input.label.trim();
  const errors: Record<string, string> = {};
  if (label.length < 2 || label.length > 60 || seasonalOccasion(label) === "season:") {
    errors.label = "Name the occasion (2–60 characters), e.g. Holiday 2026.";
  }
  const settings = await getGiftSettings(shop);
  if (settings.items.length === 0) errors.items = "Pick the gift package's products first.";
  let ambassadorIds: string[] = [];
  if (input.tierId) {
    const tier = await prisma.rewardTier.findFirst({ where: { shop, id: input.tierId } });
    if (!tier) errors.tierId = "This tier no longer exists.";
    else {
      const rows = await prisma.ambassadorTier.findMany({ where: { shop, tierId: tier.id }, select: { ambassadorId: true } });
      ambassadorIds = rows.map((r) => r.ambassadorId);
    }
  } else ambassadorIds = [...new Set(input.ambassadorIds ?? [])];
  const active = await prisma.ambassador.findMany({
    where: { shop, id: { in: ambassadorIds }, status: "active" },
    select: { id: true },
  });
  if (!errors.tierId && active.length === 0) errors.ambassadors = "Choose at least one active ambassador.";
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const occasion = seasonalOccasion(label);
  return prisma.$transaction(async (tx) => {
    const existing = await tx.gift.findMany({
      where: { shop, occasion, ambassadorId: { in: active.map((a) => a.id) } },
      select: { ambassadorId: true },
    });
    const sent = new Set(existing.map((g) => g.ambassadorId));
    const fresh = active.filter((a) => !sent.has(a.id));
    if (fresh.length === 0) return { ok: true as const, batchId: null, queued: 0, alreadySent: sent.size };
    const batch = await tx.giftBatch.create({ data: { shop, occasionLabel: label, total: fresh.length } });
    await tx.gift.createMany({
      data: fresh.map((a) => ({
        shop,
        ambassadorId: a.id,
        occasion,
        occasionLabel: label,
        items: settings.items as unknown as Prisma.InputJsonValue,
        batchId: batch.id,
      })),
      skipDuplicates: true,
    });
    return { ok: true as const, batchId: batch.id, queued: fresh.length, alreadySent: sent.size };
  });
}

// ---- Creating the draft orders -------------------------------------------------------------

/** A draft order just created for a gift: the point where "a gift was created" is known. */
export interface GiftCreated {
  giftId: string;
  shop: string;
  ambassadorId: string;
  customerId: string;
  occasion: string;
  occasionLabel: string;
  draftOrderId: string;
  draftOrderName: string;
  addressMissing: boolean;
}

export interface GiftRunReport {
  /** Draft orders this run created (not those found again after a crash). */
  created: GiftCreated[];
  /** Draft orders a previous run created and did not record, found by their tag. */
  recovered: number;
  failed: number;
}

export interface GiftRunOptions {
  throttleBackoffMs: number;
  /** Pending gifts handled per database read. */
  pageSize?: number;
}

/**
 * Creates the draft orders of the shop's pending gifts, paced on the leaky bucket. Safe to
 * run again at any time, including after a crash at any point.
 */
export async function createPendingGifts(
  graphql: AdminGraphqlClient,
  shop: string,
  options: GiftRunOptions = { throttleBackoffMs: 1000 },
): Promise<GiftRunReport> {
  const admin = pacedAdmin(graphql, options);
  const report: GiftRunReport = { created: [], recovered: 0, failed: 0 };
  const skipped = new Set<string>();
  for (;;) {
    const pending = await prisma.gift.findMany({
      where: { shop, state: "pending", id: { notIn: [...skipped] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: options.pageSize ?? 50,
    });
    if (pending.length === 0) break;
    const ambassadors = new Map(
      (
        await prisma.ambassador.findMany({
          where: { shop, id: { in: pending.map((g) => g.ambassadorId) } },
          select: { id: true, status: true, customerId: true, firstName: true, lastName: true, email: true },
        })
      ).map((a) => [a.id, a]),
    );
    const variantIds = [...new Set(pending.flatMap((g) => parseItems(g.items).map((i) => i.variantId)))];
    const existing = await variantTitles(admin, variantIds);

    for (const gift of pending) {
      const ambassador = ambassadors.get(gift.ambassadorId);
      if (!ambassador || ambassador.status !== "active") {
        await failGift(shop, gift.id, gift.ambassadorId, `${gift.occasionLabel} not sent: they are no longer an active ambassador.`);
        report.failed++;
        continue;
      }
      if (!ambassador.customerId) {
        // Not linked to a Shopify customer yet (provisioning links them): try next run.
        skipped.add(gift.id);
        continue;
      }
      const found = await admin.request(GiftDraftOrderByTagQuery, { query: `tag:"${giftTag(gift.id)}"` }, 4);
      const already = found.draftOrders.nodes[0];
      if (already) {
        await recordDraft(gift.id, already.id, already.name, !already.shippingAddress);
        report.recovered++;
        continue;
      }
      const items = parseItems(gift.items);
      const gone = items.filter((i) => !existing.has(i.variantId));
      if (items.length === 0 || gone.length > 0) {
        await failGift(
          shop,
          gift.id,
          gift.ambassadorId,
          items.length === 0
            ? "The gift package is empty: pick its products in Rewards settings, then try again."
            : `${gone.map((i) => i.title).join(", ")} no longer exists in Shopify: pick the gift package again in Rewards settings, then try again.`,
        );
        report.failed++;
        continue;
      }
      const name = [ambassador.firstName, ambassador.lastName].filter(Boolean).join(" ") || ambassador.email || "ambassador";
      const { draftOrderCreate: result } = await admin.request(
        GiftDraftOrderCreateMutation,
        {
          input: {
            customerId: `gid://shopify/Customer/${ambassador.customerId}`,
            lineItems: items.map((i) => ({ variantId: i.variantId, quantity: i.quantity })),
            appliedDiscount: { valueType: "PERCENTAGE" as DraftOrderAppliedDiscountType, value: 100, title: "Ambassador gift" },
            useCustomerDefaultAddress: true,
            tags: [GIFT_TAG, giftTag(gift.id)],
            note: `${gift.occasionLabel} for ${name} (Ambassadors app). Free of charge: complete it as paid and ship it.`,
          },
        },
        MUTATION_COST,
      );
      const userErrors = (result?.userErrors ?? []) as ShopifyUserError[];
      if (userErrors.length > 0 || !result?.draftOrder) {
        await failGift(shop, gift.id, gift.ambassadorId, `Shopify refused the draft order: ${describeUserErrors(userErrors).join(" ")}`);
        report.failed++;
        continue;
      }
      const draft = result.draftOrder;
      await recordDraft(gift.id, draft.id, draft.name, !draft.shippingAddress);
      report.created.push({
        giftId: gift.id,
        shop,
        ambassadorId: gift.ambassadorId,
        customerId: ambassador.customerId,
        occasion: gift.occasion,
        occasionLabel: gift.occasionLabel,
        draftOrderId: draft.id,
        draftOrderName: draft.name,
        addressMissing: !draft.shippingAddress,
      });
    }
  }
  await finishGiftBatches(shop);
  return report;
}

/**
 * The gift is a draft order in Shopify: recorded with its history line and its program
 * event (Flow, Klaviyo) in one transaction. The event is keyed by the gift, so a draft
 * order found again after a crash records none twice.
 */
async function recordDraft(giftId: string, draftOrderId: string, name: string, addressMissing: boolean) {
  await prisma.$transaction(async (tx) => {
    const gift = await tx.gift.update({
      where: { id: giftId },
      data: { state: "draft", draftOrderId, draftOrderName: name, addressMissing, error: null, checkedAt: new Date() },
    });
    await tx.ambassadorEvent.create({
      data: {
        shop: gift.shop,
        ambassadorId: gift.ambassadorId,
        kind: "gift_created",
        detail: `${gift.occasionLabel}: draft order ${name} created${addressMissing ? " (no shipping address yet)" : ""}`,
      },
    });
    await recordProgramEvent(tx, gift.shop, {
      kind: "gift_created",
      subject: gift.id,
      ambassadorId: gift.ambassadorId,
      data: { gift: gift.occasionLabel },
    });
  });
}

async function failGift(shop: string, giftId: string, ambassadorId: string, message: string) {
  await prisma.$transaction([
    prisma.gift.update({ where: { id: giftId }, data: { state: "failed", error: message } }),
    prisma.ambassadorEvent.create({ data: { shop, ambassadorId, kind: "error", detail: message } }),
  ]);
}

/** Failed gifts go back to pending (after the merchant fixed the package). */
export async function retryFailedGifts(shop: string, ambassadorId?: string): Promise<number> {
  const { count } = await prisma.gift.updateMany({
    where: { shop, state: "failed", ...(ambassadorId ? { ambassadorId } : {}) },
    data: { state: "pending", error: null },
  });
  return count;
}

export async function hasPendingGifts(shop: string): Promise<boolean> {
  return (await prisma.gift.count({ where: { shop, state: "pending" } })) > 0;
}

/** Shops with gifts still to create (after a restart). */
export async function shopsWithPendingGifts(): Promise<string[]> {
  const rows = await prisma.gift.findMany({ where: { state: "pending" }, distinct: ["shop"], select: { shop: true } });
  return rows.map((r) => r.shop);
}

// ---- States, read back from Shopify ---------------------------------------------------------

/**
 * Reads the gifts' draft orders from Shopify: completed (the merchant turned it into an
 * order), shipped (that order is fulfilled), deleted, and whether an address was added.
 */
export async function refreshGiftStates(
  graphql: AdminGraphqlClient,
  shop: string,
  { ambassadorId }: { ambassadorId?: string } = {},
): Promise<number> {
  const gifts = await prisma.gift.findMany({
    where: { shop, state: { in: ["draft", "completed"] }, draftOrderId: { not: null }, ...(ambassadorId ? { ambassadorId } : {}) },
    select: { id: true, draftOrderId: true, state: true },
  });
  const admin = pacedAdmin(graphql, { throttleBackoffMs: 1000 });
  let changed = 0;
  for (let i = 0; i < gifts.length; i += 50) {
    const chunk = gifts.slice(i, i + 50);
    const { nodes } = await admin.request(GiftDraftOrderStatusQuery, { ids: chunk.map((g) => g.draftOrderId as string) }, 3 * chunk.length);
    for (const [index, gift] of chunk.entries()) {
      const node = nodes[index];
      const draft = node && "status" in node ? node : null;
      const state: GiftState = !draft
        ? "deleted"
        : draft.order?.displayFulfillmentStatus === "FULFILLED"
          ? "shipped"
          : draft.status === "COMPLETED"
            ? "completed"
            : "draft";
      await prisma.gift.update({
        where: { id: gift.id },
        data: {
          state,
          checkedAt: new Date(),
          ...(draft ? { draftOrderName: draft.name, orderName: draft.order?.name ?? null, addressMissing: !draft.shippingAddress } : {}),
        },
      });
      if (state !== gift.state) changed++;
    }
  }
  return changed;
}

// ---- Views and progress --------------------------------------------------------------------

export interface GiftView {
  id: string;
  occasion: string;
  occasionLabel: string;
  state: GiftState;
  items: GiftItem[];
  draftOrderId: string | null;
  draftOrderName: string | null;
  orderName: string | null;
  addressMissing: boolean;
  error: string | null;
  createdAt: Date;
}

export async function giftsOf(shop: string, ambassadorId: string): Promise<GiftView[]> {
  const gifts = await prisma.gift.findMany({ where: { shop, ambassadorId }, orderBy: { createdAt: "desc" } });
  return gifts.map((g) => ({
    id: g.id,
    occasion: g.occasion,
    occasionLabel: g.occasionLabel,
    state: g.state as GiftState,
    items: parseItems(g.items),
    draftOrderId: g.draftOrderId,
    draftOrderName: g.draftOrderName,
    orderName: g.orderName,
    addressMissing: g.addressMissing,
    error: g.error,
    createdAt: g.createdAt,
  }));
}

export interface GiftBatchProgress {
  id: string;
  occasionLabel: string;
  total: number;
  created: number;
  failed: number;
  createdAt: Date;
}

async function batchCounts(shop: string, batchId: string) {
  const groups = await prisma.gift.groupBy({ by: ["state"], where: { shop, batchId }, _count: { _all: true } });
  let created = 0;
  let failed = 0;
  for (const g of groups) {
    if (g.state === "failed") failed += g._count._all;
    else if (g.state !== "pending") created += g._count._all;
  }
  return { created, failed };
}

async function finishGiftBatches(shop: string) {
  const open = await prisma.giftBatch.findMany({ where: { shop, finishedAt: null } });
  for (const batch of open) {
    const { created, failed } = await batchCounts(shop, batch.id);
    if (created + failed >= batch.total) {
      await prisma.giftBatch.update({ where: { id: batch.id }, data: { finishedAt: new Date() } });
    }
  }
}

/** Seasonal batches still being created in Shopify, for the progress bars. */
export async function giftBatchesInProgress(shop: string): Promise<GiftBatchProgress[]> {
  const open = await prisma.giftBatch.findMany({ where: { shop, finishedAt: null }, orderBy: { createdAt: "asc" } });
  return Promise.all(
    open.map(async (b) => ({ id: b.id, occasionLabel: b.occasionLabel, total: b.total, createdAt: b.createdAt, ...(await batchCounts(shop, b.id)) })),
  );
}

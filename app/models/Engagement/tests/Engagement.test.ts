import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  eraseEngagementPersonalData,
  importMentions,
  importReviews,
  previewMentionImport,
  previewReviewImport,
  type ImportPreview,
} from "../Engagement.server";
import type { ReviewFormat } from "../review-formats";
import { listCandidates } from "~/models/Candidate/Candidate.server";
import { rfmScore, SCORE_SCALE } from "~/models/Candidate/score.server";
import { saveProgramSettings } from "~/models/ProgramSettings/ProgramSettings.server";
import { applyCustomerWebhook, parseCustomerWebhook } from "~/models/OrderHistory/order-webhooks.server";
import { daysAgo, ingestOrders, shopsErasedAfterFile } from "#/factories/orders";

const newShop = shopsErasedAfterFile();

/** CSV text from rows of cells (quoted where needed, as a spreadsheet writes it). */
function csv(rows: (string | number)[][]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** Ada (customer 1) and Bob (customer 2): the same two orders each, so the same RFM score. */
async function twoEqualCustomers(label: string) {
  const shop = newShop(label);
  await ingestOrders(shop, [
    { id: 1, customerId: 1, customerName: "Ada", customerEmail: "ada@example.com", processedAt: daysAgo(30), totalCents: 5_000 },
    { id: 2, customerId: 1, customerName: "Ada", customerEmail: "ada@example.com", processedAt: daysAgo(9), totalCents: 5_000 },
    { id: 3, customerId: 2, customerName: "Bob", customerEmail: "Bob@Example.com", processedAt: daysAgo(30), totalCents: 5_000 },
    { id: 4, customerId: 2, customerName: "Bob", customerEmail: "Bob@Example.com", processedAt: daysAgo(9), totalCents: 5_000 },
  ]);
  return shop;
}

async function stats(shop: string) {
  return prisma.customerStats.findMany({
    where: { shop },
    orderBy: { customerId: "asc" },
    select: {
      customerId: true, reviewCount: true, positiveReviewCount: true, fiveStarReviewCount: true,
      mentionCount: true, scoreMilli: true,
    },
  });
}

/**
 * Each vendor's export, written from the columns its documentation gives (see
 * docs/reviews-and-mentions.md): two reviews by Ada (5 and 4 stars), one by Bob (2 stars),
 * one by someone who is not a customer, and two bad rows.
 */
const EXPORTS: Record<ReviewFormat, { file: string; badLines: number[]; mapped: Record<string, string | null> }> = {
  judgeme: {
    file: csv([
      ["product_handle", "review_title", "body", "reviewer_name", "reviewer_email", "rating", "review_date", "reply", "reply_date", "featured", "verified", "hidden"],
      ["tee", "Love it", "Best tee I own, washes well", "Ada", "ada@example.com", 5, "2026-10-01", "", "", "false", "true", "false"],
      ["mug", "Good", "Nice, a bit small", "Ada", "ADA@example.com", 4, "2026-10-20 08:15:00 UTC", "", "", "false", "true", "false"],
      ["tee", "Meh", "Shrank", "Bob", "bob@example.com", 2, "2026-09-01", "", "", "false", "true", "false"],
      ["tee", "Great", "Lovely", "Zed", "zed@example.com", 5, "2026-09-03", "", "", "false", "false", "false"],
      ["tee", "?", "No stars", "Cy", "cy@example.com", 7, "2026-09-03", "", "", "false", "false", "false"],
      ["tee", "?", "No email", "Dee", "", 5, "03/09/2026", "", "", "false", "false", "false"],
    ]),
    badLines: [6, 7],
    mapped: { email: "reviewer_email", rating: "rating", date: "review_date", text: "body", id: null },
  },
  yotpo: {
    file: csv([
      ["published", "review_title", "review_content", "review_score", "date", "product_id", "display_name", "email", "comment_content"],
      ["true", "Love it", "Best tee I own", 5, "2026-10-01T10:00:00Z", "111", "Ada", "ada@example.com", ""],
      ["true", "Good", "Nice, a bit small", 4, "2026-10-20", "222", "Ada", "ada@example.com", ""],
      ["true", "Meh", "Shrank", 2, "2026-09-01", "111", "Bob", "bob@example.com", ""],
      ["true", "Great", "Lovely", 5, "2026-09-03", "111", "Zed", "zed@example.com", ""],
      ["true", "?", "Half star", "4.5", "2026-09-03", "111", "Cy", "cy@example.com", ""],
      ["true", "?", "Bad date", 5, "2026-02-30", "111", "Dee", "dee@example.com", ""],
    ]),
    badLines: [6, 7],
    mapped: { email: "email", rating: "review_score", date: "date", text: "review_content", id: null },
  },
  okendo: {
    file: csv([
      ["name", "body", "handle", "productId", "rating", "sku", "dateCreated", "countryCode", "email", "imageUrls"],
      ["Ada", "Best tee I own", "tee", "111", 5, "", "2026-10-01", "us", "ada@example.com", ""],
      ["Ada", "Nice, a bit small", "mug", "222", 4, "", "2026-10-20", "us", "ada@example.com", ""],
      ["Bob", "Shrank", "tee", "111", 2, "", "2026-09-01", "au", "bob@example.com", ""],
      ["Zed", "Lovely", "tee", "111", 5, "", "2026-09-03", "us", "zed@example.com", ""],
      ["Cy", "No email given", "tee", "111", 5, "", "2026-09-03", "us", "", ""],
      ["Dee", "Not an email", "tee", "111", 5, "", "2026-09-03", "us", "dee at example", ""],
    ]),
    badLines: [6, 7],
    mapped: { email: "email", rating: "rating", date: "dateCreated", text: "body", id: null },
  },
  // No Loox column list was found (docs/reviews-and-mentions.md): the file is read by the
  // generic names, and a review id is used where the file has one.
  loox: {
    file: csv([
      ["id", "email", "rating", "date", "review"],
      ["lx-1", "ada@example.com", 5, "2026-10-01", "Best tee I own"],
      ["lx-2", "ada@example.com", 4, "2026-10-20", "Nice, a bit small"],
      ["lx-3", "bob@example.com", 2, "2026-09-01", "Shrank"],
      ["lx-4", "zed@example.com", 5, "2026-09-03", "Lovely"],
      ["lx-5", "cy@example.com", "", "2026-09-03", "No rating"],
      ["lx-6", "dee@example.com", 5, "2999-01-01", "From the future"],
    ]),
    badLines: [6, 7],
    mapped: { email: "email", rating: "rating", date: "date", text: "review", id: "id" },
  },
  generic: {
    file: csv([
      ["email", "rating", "date", "text"],
      ["ada@example.com", 5, "2026-10-01", "Best tee I own"],
      ["ada@example.com", 4, "2026-10-20", "Nice, a bit small"],
      ["bob@example.com", 2, "2026-09-01", "Shrank"],
      ["zed@example.com", 5, "2026-09-03", "Lovely"],
      ["cy@example.com", "five", "2026-09-03", "Words"],
      ["", "", "", "Nothing"],
    ]),
    badLines: [6, 7],
    mapped: { email: "email", rating: "rating", date: "date", text: "text", id: null },
  },
};

function mappingOf(preview: ImportPreview) {
  return Object.fromEntries(preview.mapping.map((m) => [m.field, m.column]));
}

describe.each(Object.keys(EXPORTS) as ReviewFormat[])("importing a %s review export", (format) => {
  const { file, badLines, mapped } = EXPORTS[format];

  it("previews the mapping and counts, imports matched rows, reports bad ones, and re-imports as a no-op", async () => {
    const shop = await twoEqualCustomers(`reviews-${format}`);
    const before = await stats(shop);

    // The vendor's own format is recognised from its header, except where it has no
    // distinctive column (Loox, generic): those are read by the generic names.
    const detected = await previewReviewImport(shop, file, "auto");
    expect(detected.ok && detected.preview.format).toBe(format === "loox" ? "generic" : format);

    const preview = await previewReviewImport(shop, file, format);
    if (!preview.ok) throw new Error(preview.error);
    expect(mappingOf(preview.preview)).toEqual(mapped);
    expect(preview.preview).toMatchObject({ rows: 6, matched: 3, unmatched: 1, badRows: 2, toImport: 3, alreadyImported: 0, customers: 2 });
    expect(preview.preview.errors.map((e) => e.line)).toEqual(badLines);
    for (const error of preview.preview.errors) expect(error.message).toMatch(/Rating|email|date/i);
    // A preview writes nothing.
    expect(await stats(shop)).toEqual(before);
    expect(await prisma.customerReview.count({ where: { shop } })).toBe(0);

    const imported = await importReviews(shop, file, format);
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.imported).toBe(3);
    const after = await stats(shop);
    expect(after.map((s) => [s.customerId, s.reviewCount, s.positiveReviewCount, s.fiveStarReviewCount])).toEqual([
      ["1", 2, 2, 1],
      ["2", 1, 0, 0],
    ]);
    // Ada's glowing reviews lift her above Bob, whose 2-star review adds nothing.
    expect(after[0].scoreMilli).toBeGreaterThan(after[1].scoreMilli);
    expect(after[1].scoreMilli).toBe(before[1].scoreMilli);
    // Nothing is kept of the reviewer who is not a customer.
    expect(await prisma.customerReview.count({ where: { shop, email: "zed@example.com" } })).toBe(0);

    const again = await importReviews(shop, file, format);
    if (!again.ok) throw new Error(again.error);
    expect(again.imported).toBe(0);
    expect(again.preview).toMatchObject({ matched: 3, alreadyImported: 3, toImport: 0 });
    expect(await stats(shop)).toEqual(after);
    expect(await prisma.customerReview.count({ where: { shop } })).toBe(3);
  });
});

describe("review files that cannot be imported", () => {
  it("refuses a file without the format's columns, naming them, and writes nothing", async () => {
    const shop = await twoEqualCustomers("reviews-columns");
    const result = await importReviews(shop, csv([["who", "stars"], ["ada@example.com", 5]]), "judgeme");
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Reviewer email \(reviewer_email\).*Review date \(review_date\)/) });
    expect(await prisma.customerReview.count({ where: { shop } })).toBe(0);
  });

  it("refuses an empty file and one that is not CSV", async () => {
    const shop = newShop("reviews-empty");
    expect(await previewReviewImport(shop, "", "generic")).toEqual({ ok: false, error: "The file is empty." });
    const broken = await previewReviewImport(shop, 'email,rating\n"ada@example.com,5\n', "generic");
    expect(broken.ok).toBe(false);
  });
});

describe("score", () => {
  it("ranks a reviewer above an otherwise equal non-reviewer, and a signal weighted off changes nothing", async () => {
    const shop = await twoEqualCustomers("score-reviews");
    const [ada, bob] = await stats(shop);
    expect(ada.scoreMilli).toBe(bob.scoreMilli);

    await importReviews(shop, csv([["email", "rating", "date", "text"], ["bob@example.com", 5, "2026-10-01", "Wonderful"]]), "generic");
    const ranked = await listCandidates(shop);
    expect(ranked.candidates.map((c) => c.displayName)).toEqual(["Bob", "Ada"]);
    // The documented formula: 15 points × 1/(1 + 1) on top of the same RFM score.
    expect(ranked.candidates[0].score - ranked.candidates[1].score).toBeCloseTo(7.5, 1);

    const off = await saveProgramSettings(shop, { minOrders: 2, minSpentCents: 0, recencyDays: 365, reviewWeight: 0 });
    expect(off.ok).toBe(true);
    const [adaOff, bobOff] = await stats(shop);
    expect(bobOff.scoreMilli).toBe(adaOff.scoreMilli);
    expect(adaOff.scoreMilli).toBe(ada.scoreMilli);

    // Back on, without another import.
    await saveProgramSettings(shop, { minOrders: 2, minSpentCents: 0, recencyDays: 365, reviewWeight: 15 });
    const [adaOn, bobOn] = await stats(shop);
    expect(bobOn.scoreMilli).toBeGreaterThan(adaOn.scoreMilli);
    const row = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: "2" } } });
    const settings = await prisma.programSettings.findUniqueOrThrow({ where: { shop } });
    expect(row.scoreMilli / SCORE_SCALE).toBeCloseTo(
      rfmScore(
        { ...row, netSpentCents: Number(row.netSpentCents) },
        { minOrders: 2, minSpentCents: 0, recencyDays: 365, spendReferenceCents: Number(settings.spendReferenceCents), reviewWeight: 15 },
        new Date(),
      ),
      1,
    );
  });

  it("gives signals to candidates only: a one-time buyer's review does not make a candidate", async () => {
    const shop = newShop("score-candidates");
    await ingestOrders(shop, [{ id: 1, customerId: 1, customerEmail: "once@example.com", processedAt: daysAgo(3), totalCents: 5_000 }]);
    await importReviews(shop, csv([["email", "rating", "date"], ["once@example.com", 5, "2026-10-01"]]), "generic");
    const [once] = await stats(shop);
    expect([once.reviewCount, once.scoreMilli]).toEqual([1, 0]);
    expect((await listCandidates(shop)).candidates).toEqual([]);
  });
});

describe("social mentions", () => {
  const file = csv([
    ["handle", "email", "mentions", "date"],
    ["@ada.makes", "", 3, "2026-11-01"],
    ["https://instagram.com/ada.makes", "", 2, "2026-11-02"],
    ["bobby", "bob@example.com", 1, "2026-11-01"],
    ["stranger", "", 9, "2026-11-01"],
    ["", "", 1, "2026-11-01"],
    ["cy", "", "lots", "2026-11-01"],
  ]);

  it("matches by email, else by the handle given at signup; bad rows reported; re-import changes nothing", async () => {
    const shop = await twoEqualCustomers("mentions");
    await prisma.ambassadorApplication.create({
      data: { shop, email: "ada@example.com", name: "Ada", socialHandle: "@Ada.Makes", customerId: null, consentedAt: new Date() },
    });
    const preview = await previewMentionImport(shop, file);
    if (!preview.ok) throw new Error(preview.error);
    expect(mappingOf(preview.preview)).toEqual({ handle: "handle", email: "email", mentions: "mentions", date: "date" });
    expect(preview.preview).toMatchObject({ rows: 6, matched: 3, unmatched: 1, badRows: 2, customers: 2 });
    expect(preview.preview.errors).toEqual([
      { line: 6, message: "Social handle is empty" },
      { line: 7, message: 'Mentions "lots" is not a whole number from 0 to 1,000,000' },
    ]);

    const imported = await importMentions(shop, file);
    expect(imported.ok && imported.imported).toBe(3);
    expect((await stats(shop)).map((s) => [s.customerId, s.mentionCount])).toEqual([["1", 5], ["2", 1]]);
    const scores = await stats(shop);

    const again = await importMentions(shop, file);
    expect(again.ok && again.imported).toBe(0);
    expect(await stats(shop)).toEqual(scores);
  });

  it("customers/redact erases the customer's reviews and mentions, including those found by handle", async () => {
    const shop = await twoEqualCustomers("mentions-erase");
    await prisma.ambassadorApplication.create({
      data: { shop, email: "ada@example.com", name: "Ada", socialHandle: "ada.makes", customerId: "1", consentedAt: new Date() },
    });
    await importMentions(shop, file);
    await importReviews(shop, EXPORTS.generic.file, "generic");
    // A later row under Ada's handle that matched no one is hers all the same.
    await prisma.socialMention.create({
      data: { shop, mentionKey: "loose", handle: "ada.makes", mentions: 1, mentionedAt: new Date(), customerId: null },
    });

    const erased = await eraseEngagementPersonalData(shop, { customerId: "1", email: "ada@example.com" });
    expect(erased).toEqual({ reviews: 2, mentions: 3 });
    expect(await prisma.customerReview.count({ where: { shop, customerId: "1" } })).toBe(0);
    expect(await prisma.socialMention.count({ where: { shop, handle: "ada.makes" } })).toBe(0);
    const [ada, bob] = await stats(shop);
    expect([ada.reviewCount, ada.mentionCount]).toEqual([0, 0]);
    // Bob's are his own.
    expect([bob.reviewCount, bob.mentionCount]).toEqual([1, 1]);
  });
});

describe("marketing consent", () => {
  it("customers/update's consent re-scores the customer; a profile without consent keeps it", async () => {
    const shop = await twoEqualCustomers("consent");
    const [, before] = await stats(shop);
    const apply = (payload: unknown) =>
      prisma.$transaction((tx) => applyCustomerWebhook(tx, shop, parseCustomerWebhook(payload)));

    await apply({
      id: 2, email: "bob@example.com", first_name: "Bob", updated_at: new Date().toISOString(),
      email_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in" },
      sms_marketing_consent: { state: "subscribed" },
    });
    const [, subscribed] = await stats(shop);
    // Email and SMS at their default weights: 5 points each.
    expect(subscribed.scoreMilli - before.scoreMilli).toBe(10 * SCORE_SCALE);
    expect((await listCandidates(shop)).candidates[0]).toMatchObject({ displayName: "Bob", emailSubscribed: true, smsSubscribed: true });
    expect((await listCandidates(shop, { filters: { signal: "sms" } })).candidates.map((c) => c.customerId)).toEqual(["2"]);

    // An order's customer carries no consent: what is stored stays.
    await apply({ id: 2, email: "bob@example.com", first_name: "Bobby", updated_at: new Date(Date.now() + 1000).toISOString() });
    const [, kept] = await stats(shop);
    expect(kept.scoreMilli).toBe(subscribed.scoreMilli);

    await apply({
      id: 2, email: "bob@example.com", updated_at: new Date(Date.now() + 2000).toISOString(),
      email_marketing_consent: { state: "unsubscribed" }, sms_marketing_consent: null,
    });
    const [, unsubscribed] = await stats(shop);
    expect(unsubscribed.scoreMilli).toBe(before.scoreMilli);
  });
});

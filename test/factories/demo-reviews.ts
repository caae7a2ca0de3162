/**
 * The demo's reviews and social mentions: a Judge.me review export and a social-listening
 * export written for some of the shop's repeat buyers, imported through the same model the
 * Reviews and mentions page uses, so the Candidates page shows review signals and "why"
 * lines. Deterministic: the same customers get the same reviews on every run.
 */
import prisma from "~/db.server";
import { importMentions, importReviews } from "~/models/Engagement/Engagement.server";

const DAY = 86_400_000;

const REVIEWS: [rating: number, title: string, body: string][] = [
  [5, "My favourite mug", "Keeps coffee hot and the glaze is gorgeous."],
  [5, "Bought three more", "Gifts for the whole family, everyone loved them."],
  [4, "Lovely, a bit small", "Beautiful colour, I wish it held a little more."],
  [5, "Perfect gift", "Arrived quickly and well packed."],
  [5, "Second order, still in love", "The quality is consistent every time."],
  [3, "Nice", "Pretty, but the handle is small for my hands."],
];

/** Judge.me's review CSV columns (docs/reviews-and-mentions.md). */
const JUDGEME_HEADER = [
  "product_handle", "review_title", "body", "reviewer_name", "reviewer_email", "rating",
  "review_date", "reply", "reply_date", "featured", "verified", "hidden",
];

const cell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = (rows: (string | number)[][]) => rows.map((row) => row.map(cell).join(",")).join("\n") + "\n";
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface DemoEngagement {
  reviews: number;
  mentions: number;
  /** Customer ids given a review rated 4 or 5. */
  reviewers: string[];
}

export async function importDemoEngagement(shop: string, now = Date.now()): Promise<DemoEngagement> {
  // Every third candidate with an email, in id order: a stable, spread-out sample.
  const candidates = await prisma.customerStats.findMany({
    where: { shop, scoreMilli: { gt: 0 }, email: { not: null } },
    orderBy: { customerId: "asc" },
    select: { customerId: true, displayName: true, email: true },
    take: 90,
  });
  const sample = candidates.filter((_, i) => i % 3 === 0);
  const reviewRows = sample.map((customer, i) => {
    const [rating, title, body] = REVIEWS[i % REVIEWS.length];
    return ["ceramic-mug", title, body, customer.displayName ?? "", customer.email!, rating, isoDay(now - (3 + 7 * i) * DAY), "", "", "false", "true", "false"];
  });
  // A reviewer who never bought: counted as unmatched, not kept.
  reviewRows.push(["ceramic-mug", "Saw it at a friend's", "Want one!", "Sam Visitor", "sam.visitor@mail.example", 5, isoDay(now - 2 * DAY), "", "", "false", "false", "false"]);
  const reviews = await importReviews(shop, csv([JUDGEME_HEADER, ...reviewRows]), "judgeme", new Date(now));
  if (!reviews.ok) throw new Error(`Demo reviews refused: ${reviews.error}`);

  const mentionRows = sample.slice(0, 4).map((customer, i) => [
    `@${(customer.displayName ?? "fan").toLowerCase().replace(/[^a-z]+/g, ".")}`, customer.email!, 1 + i, isoDay(now - (1 + i) * DAY),
  ]);
  const mentions = await importMentions(shop, csv([["handle", "email", "mentions", "date"], ...mentionRows]), new Date(now));
  if (!mentions.ok) throw new Error(`Demo mentions refused: ${mentions.error}`);

  return {
    reviews: reviews.imported,
    mentions: mentions.imported,
    reviewers: sample.filter((_, i) => REVIEWS[i % REVIEWS.length][0] >= 4).map((c) => c.customerId),
  };
}

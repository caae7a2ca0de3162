/**
 * The review exports the app reads, as header names per field. Each vendor's columns are
 * the ones its documentation (or, where none was found, the best public source) gives;
 * docs/reviews-and-mentions.md lists them with their sources. Client-safe (the import page
 * shows the formats and the mapping).
 */

export const REVIEW_FORMATS = ["judgeme", "yotpo", "okendo", "loox", "generic"] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export const REVIEW_FORMAT_LABELS: Record<ReviewFormat, string> = {
  judgeme: "Judge.me",
  yotpo: "Yotpo",
  okendo: "Okendo",
  loox: "Loox",
  generic: "Other (email, rating, date, text)",
};

export const REVIEW_FIELDS = ["id", "email", "rating", "date", "text"] as const;
export type ReviewField = (typeof REVIEW_FIELDS)[number];

export const REVIEW_FIELD_LABELS: Record<ReviewField, string> = {
  id: "Review id",
  email: "Reviewer email",
  rating: "Rating",
  date: "Review date",
  text: "Review text",
};

/** The generic format's header names (also the fallback for a column a vendor file lacks). */
const GENERIC: Record<ReviewField, readonly string[]> = {
  id: ["review_id", "id"],
  email: ["email", "reviewer_email", "customer_email"],
  rating: ["rating", "stars", "score"],
  date: ["date", "review_date", "created_at"],
  text: ["text", "body", "review", "content"],
};

/**
 * Per vendor, the header names of each field, most specific first. `id` is optional in
 * every format: where a file has a review id the row is keyed by it, else by a hash of its
 * content (see Reviews.server.ts).
 */
export const REVIEW_COLUMNS: Record<ReviewFormat, Record<ReviewField, readonly string[]>> = {
  // Judge.me's review CSV (import template and export): reviewer_email, rating,
  // review_date, body, review_title, reviewer_name, product_handle, …
  judgeme: { ...GENERIC, email: ["reviewer_email"], rating: ["rating"], date: ["review_date"], text: ["body"] },
  // Yotpo's review CSV: review_title, review_content, review_score, date, email, display_name, …
  yotpo: { ...GENERIC, email: ["email"], rating: ["review_score"], date: ["date"], text: ["review_content"] },
  // Okendo's import template: name, body, rating, dateCreated, email, handle, productId, sku, …
  okendo: { ...GENERIC, email: ["email"], rating: ["rating"], date: ["dateCreated"], text: ["body"] },
  // No Loox column list could be found: read by the generic names (the preview shows the mapping).
  loox: GENERIC,
  generic: GENERIC,
};

/** The format a header row most likely comes from (by each vendor's distinctive column). */
export function detectReviewFormat(headers: string[]): ReviewFormat {
  const has = (name: string) => headers.some((h) => h.trim().toLowerCase() === name.toLowerCase());
  if (has("reviewer_email") && has("review_date")) return "judgeme";
  if (has("review_score") && has("review_content")) return "yotpo";
  if (has("dateCreated")) return "okendo";
  return "generic";
}

export function isReviewFormat(value: unknown): value is ReviewFormat {
  return typeof value === "string" && (REVIEW_FORMATS as readonly string[]).includes(value);
}

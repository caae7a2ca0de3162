/** Shopify's `userErrors`, as the app shows them to the merchant. Client-safe. */
export interface ShopifyUserError {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

/** Field path segments Shopify uses → words a merchant knows. */
const FIELD_WORDS: Record<string, string> = {
  code: "Code",
  codes: "Code",
  title: "Title",
  endsAt: "End date",
  startsAt: "Start date",
  customerGets: "Discount",
  percentage: "Percentage",
  amount: "Amount off",
  minimumRequirement: "Minimum order",
  greaterThanOrEqualToSubtotal: "Minimum order",
  tags: "Tag",
  email: "Email",
  metafields: "Customer metafield",
  discountId: "Program discount",
};

/**
 * One sentence per error: Shopify's own message (already plain English), prefixed with
 * the field it is about when the message does not say so itself.
 */
export function describeUserErrors(errors: readonly ShopifyUserError[]): string[] {
  return errors.map((error) => {
    const field = [...(error.field ?? [])].reverse().find((part) => FIELD_WORDS[part]);
    const label = field ? FIELD_WORDS[field] : null;
    const message = error.message.trim().replace(/\.$/, "");
    if (!label || message.toLowerCase().startsWith(label.toLowerCase())) return `${message}.`;
    return `${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}.`;
  });
}

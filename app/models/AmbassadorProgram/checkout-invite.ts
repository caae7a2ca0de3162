/**
 * Whom the checkout Thank you and Order status blocks invite to become an ambassador
 * (AmbassadorProgram.checkoutInvite): repeat buyers by the program settings (the default),
 * every customer with an account, or nobody.
 */
export const CHECKOUT_INVITE_OPTIONS = ["repeat_buyers", "everyone", "nobody"] as const;
export type CheckoutInvite = (typeof CHECKOUT_INVITE_OPTIONS)[number];

export function checkoutInviteOf(value: string | null | undefined): CheckoutInvite {
  return (CHECKOUT_INVITE_OPTIONS as readonly string[]).includes(value ?? "")
    ? (value as CheckoutInvite)
    : "repeat_buyers";
}

/** A fraud flag as pages show it (client-safe: no server imports). */
export type FraudFlagKind = "self_referral" | "leak";

export interface FraudFlagView {
  id: string;
  ambassadorId: string;
  ambassadorName: string;
  kind: FraudFlagKind;
  /** "Self-referral" | "Leaked code" */
  label: string;
  detail: string;
  createdAt: string;
  resolvedAt: string | null;
}

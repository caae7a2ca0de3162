/**
 * What attribution asks for after its transaction committed: pausing ambassadors whose
 * code a new leak flag caught (RewardSettings.leakAutoPause).
 */
import { pauseAmbassador } from "../Ambassador/Ambassador.server";

/**
 * Pauses the ambassadors and returns those it paused. Their codes are still live in
 * Shopify: the caller starts provisioning when any was paused, which switches them off.
 * Never call inside a transaction: each pause writes on its own.
 */
export async function pauseLeakedAmbassadors(shop: string, ambassadorIds: string[]): Promise<string[]> {
  const paused: string[] = [];
  for (const id of new Set(ambassadorIds)) {
    const result = await pauseAmbassador(shop, id);
    if (result.ok) paused.push(id);
  }
  return paused;
}

/**
 * What attribution asks for after its transaction committed: pausing ambassadors whose
 * code a new leak flag caught (RewardSettings.leakAutoPause). Pausing switches the code
 * off in Shopify, which the provisioning job does in the background.
 */
import { pauseAmbassador } from "../Ambassador/Ambassador.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";

/** Never call inside a transaction: it writes on its own and starts a Shopify job. */
export async function pauseLeakedCodes(shop: string, ambassadorIds: string[]): Promise<number> {
  let paused = 0;
  for (const id of new Set(ambassadorIds)) {
    const result = await pauseAmbassador(shop, id);
    if (result.ok) paused++;
  }
  if (paused > 0) enqueueProvisioning(shop);
  return paused;
}

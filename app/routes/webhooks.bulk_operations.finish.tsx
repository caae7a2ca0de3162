import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { wakeHistorySync } from "../models/OrderHistory/OrderHistorySync.server";

const BulkOperationFinishPayload = z.object({ admin_graphql_api_id: z.string() });

// Shopify finished a bulk operation: wake the history sync waiting for it instead of
// letting it poll again. The wake-up happens after the delivery's transaction commits,
// so the sync never runs its own writes while that transaction is open.
export const action = async ({ request }: ActionFunctionArgs) => {
  let waitingSyncId: string | undefined;
  const response = await receiveWebhook(
    request,
    (payload) => BulkOperationFinishPayload.parse(payload),
    async (tx, { admin_graphql_api_id }, { shop }) => {
      const sync = await tx.historySync.findFirst({
        where: { shop, bulkOperationId: admin_graphql_api_id, finishedAt: null },
        select: { id: true },
      });
      waitingSyncId = sync?.id;
    },
  );
  if (waitingSyncId) wakeHistorySync(waitingSyncId);
  return response;
};

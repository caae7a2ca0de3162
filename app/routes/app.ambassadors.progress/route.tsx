import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../../shopify.server";
import { approvalsInProgress } from "../../models/Ambassador/CodeProvisioning.server";

/** Progress of approvals still being carried out in Shopify (polled by ApprovalProgress). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const batches = await approvalsInProgress(session.shop);
  return {
    batches: batches.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() })),
  };
};

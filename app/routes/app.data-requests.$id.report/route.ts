import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../../shopify.server";
import { customerDataReport } from "../../models/CustomerDataRequest/CustomerDataRequest.server";

/** GET /app/data-requests/:id/report — the customer's data as JSON, downloaded as a file. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const report = await customerDataReport(session.shop, params.id ?? "");
  if (!report) throw new Response("No such data request", { status: 404 });
  const name = `customer-${report.request.customerId ?? "unknown"}-data.json`.replace(/[^\w.-]/g, "_");
  return new Response(JSON.stringify(report, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    },
  });
};

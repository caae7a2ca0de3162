import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { shopCurrency } from "../models/ProgramSettings/ShopCurrency.server";
import { csvResponse } from "../models/Rewards/csv";
import { PAYOUT_COLUMNS, payoutRows } from "../models/Rewards/Exports.server";

/** GET /app/exports/payouts.csv — every payout of the shop, streamed. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const currencyCode = await shopCurrency(admin.graphql, session.shop);
  return csvResponse("payouts.csv", PAYOUT_COLUMNS, () => payoutRows(session.shop, currencyCode));
};

import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { shopCurrency } from "../models/ProgramSettings/ShopCurrency.server";
import { csvResponse } from "../models/Rewards/csv";
import { AMBASSADOR_COLUMNS, ambassadorRows } from "../models/Rewards/Exports.server";

/** GET /app/exports/ambassadors.csv — the shop's ambassadors with their rewards, streamed. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const currencyCode = await shopCurrency(admin.graphql, session.shop);
  return csvResponse("ambassadors.csv", AMBASSADOR_COLUMNS, () => ambassadorRows(session.shop, currencyCode));
};

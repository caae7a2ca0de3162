import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../../shopify.server";
import { syncHistoryInBackground } from "../../jobs/history-sync.server";
import { latestHistorySync } from "../../models/OrderHistory/HistorySync.server";
import { historySyncView } from "./history-sync-view";

/** The latest run, for the progress card to poll (one database read, no Admin API call). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { sync: historySyncView(await latestHistorySync(session.shop)) };
};

export interface HistorySyncActionError {
  error: string;
}

/** Only pages of this app: never an open redirect. */
export function safeReturnTo(value: FormDataEntryValue | null): string {
  const path = typeof value === "string" ? value : "";
  return /^\/app(?:[/?#]|$)/.test(path) && !/[\\\s]/.test(path) ? path : "/app";
}

/**
 * "Sync order history": starts a history sync (or joins the one running) in the
 * background and sends the merchant back to the page they came from (`returnTo`), where
 * the progress shows.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { admin, session, redirect } = await authenticate.admin(request);
  const form = await request.formData();
  try {
    await syncHistoryInBackground(admin.graphql, session.shop, session.scope?.split(",") ?? []);
  } catch (error) {
    console.error(`Could not start the history sync for ${session.shop}`, error);
    return {
      error:
        "Shopify did not accept the request to read your orders. Nothing was changed; try again in a minute.",
    } satisfies HistorySyncActionError;
  }
  return redirect(safeReturnTo(form.get("returnTo")));
};

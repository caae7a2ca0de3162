import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../../shopify.server";
import { pauseProgram, resumeProgram, setCodesPaused } from "../../models/AmbassadorProgram/ProgramPause.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import { enqueuePayouts } from "../../jobs/reward-payouts.server";

export type ProgramStatusActionResult = { ok: true; message: string } | { ok: false; errors: string[] };

/**
 * POST /app/program/status (the card on Offer and codes): intent = pause-codes |
 * resume-codes (the program discount in Shopify) or pause-program | resume-program
 * (the app's jobs: code provisioning and payouts).
 */
export const action = async ({ request }: ActionFunctionArgs): Promise<ProgramStatusActionResult> => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const intent = (await request.formData()).get("intent");
  switch (intent) {
    case "pause-codes":
    case "resume-codes": {
      const result = await setCodesPaused(admin.graphql, shop, intent === "pause-codes");
      if (!result.ok) return result;
      return {
        ok: true,
        message: intent === "pause-codes" ? "Ambassador codes are paused in Shopify: they no longer apply at checkout." : "Ambassador codes work again.",
      };
    }
    case "pause-program":
      await pauseProgram(shop);
      return { ok: true, message: "Program paused: no codes are created and no payouts are sent until you resume it." };
    case "resume-program":
      await resumeProgram(shop);
      // Whatever waited while paused (approvals, payouts) goes through now.
      enqueueProvisioning(shop);
      void enqueuePayouts(shop);
      return { ok: true, message: "Program resumed." };
    default:
      return { ok: false, errors: ["Unknown action."] };
  }
};

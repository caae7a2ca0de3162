/**
 * Approve and Reject from the applications queue: validates the form, carries the
 * decision out through the Ambassador model, and explains every application it could not
 * change. Approval starts the provisioning job that creates the codes in Shopify.
 */
import { z } from "zod";
import prisma from "~/db.server";
import { approveApplications, rejectApplications } from "~/models/Ambassador/Ambassador.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import type { DecisionOutcome, DecisionProblem } from "./components/OutcomeBanner";

/** At most this many applications per decision (a page holds 50). */
export const MAX_DECISION_IDS = 250;

const decisionInput = z.object({
  intent: z.enum(["approve", "reject"], {
    errorMap: () => ({ message: "Choose Approve or Reject: nothing was changed." }),
  }),
  ids: z
    .array(z.string())
    .transform((ids) => [...new Set(ids.map((id) => id.trim()).filter(Boolean))])
    .pipe(
      z
        .array(z.string().max(64, { message: "That is not an application id: nothing was changed." }))
        .min(1, { message: "Select at least one application: nothing was changed." })
        .max(MAX_DECISION_IDS, {
          message: `Select at most ${MAX_DECISION_IDS} applications at a time: nothing was changed.`,
        }),
    ),
});

const MODEL_MESSAGES: Record<string, string> = {
  "No such application": "This application does not exist in your store any more.",
  "This application was rejected or erased":
    "It was rejected, or the applicant's data was erased: it cannot be approved.",
};

async function applicantsById(shop: string, ids: string[]) {
  const rows = ids.length
    ? await prisma.ambassadorApplication.findMany({
        where: { shop, id: { in: ids } },
        select: { id: true, name: true, email: true, status: true },
      })
    : [];
  return new Map(rows.map((row) => [row.id, row]));
}

export async function decide(shop: string, form: FormData): Promise<DecisionOutcome> {
  const parsed = decisionInput.safeParse({
    intent: form.get("intent"),
    ids: form.getAll("id").map((id) => (typeof id === "string" ? id : "")),
  });
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues[0]?.message ?? "Nothing was changed." };
  }
  const { intent, ids } = parsed.data;

  if (intent === "approve") {
    const result = await approveApplications(shop, ids);
    if (result.approved.length > 0) enqueueProvisioning(shop);
    const applicants = await applicantsById(shop, result.errors.map((e) => e.id));
    const problems: DecisionProblem[] = result.errors.map((error) => {
      const applicant = applicants.get(error.id);
      return {
        id: error.id,
        applicant: applicant ? `${applicant.name} (${applicant.email})` : null,
        message: MODEL_MESSAGES[error.message] ?? error.message,
      };
    });
    return { ok: true, intent, approved: result.approved.length, problems };
  }

  // Only pending applications are rejected: say why the others stay as they are.
  const before = await applicantsById(shop, ids);
  const { rejected } = await rejectApplications(shop, ids);
  const problems: DecisionProblem[] = [];
  for (const id of ids) {
    const applicant = before.get(id);
    if (!applicant) {
      problems.push({ id, applicant: null, message: MODEL_MESSAGES["No such application"] });
    } else if (applicant.status !== "pending") {
      problems.push({
        id,
        applicant: `${applicant.name} (${applicant.email})`,
        message:
          applicant.status === "approved"
            ? "Already approved: pause or remove the ambassador from their page instead."
            : "Already rejected.",
      });
    }
  }
  return { ok: true, intent, rejected, problems };
}

/**
 * The Community page's form actions: post or delete news, mark feedback read. Each form
 * names its `intent`; anything else changes nothing. Every change is scoped by the shop:
 * an id of another shop's row is "not found", never changed.
 */
import { z } from "zod";
import {
  deleteNews,
  feedbackExists,
  markAllFeedbackRead,
  markFeedbackRead,
  postNews,
} from "~/models/Community/Community.server";
import type { CommunityResult } from "./components/types";

const id = z.string().trim().min(1).max(64);

const communityInput = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("postNews"), title: z.string().default(""), body: z.string().default("") }),
    z.object({ intent: z.literal("deleteNews"), id }),
    z.object({ intent: z.literal("markRead"), id }),
    z.object({ intent: z.literal("markAllRead") }),
  ],
  { errorMap: () => ({ message: "That action is not one this page offers: nothing was changed." }) },
);

/** Form data as strings (files are ignored; a repeated field keeps its last value). */
function fields(form: FormData): Record<string, string> {
  const result: Record<string, string> = {};
  form.forEach((value, key) => {
    if (typeof value === "string") result[key] = value;
  });
  return result;
}

export async function runCommunityAction(shop: string, form: FormData): Promise<CommunityResult> {
  const parsed = communityInput.safeParse(fields(form));
  if (!parsed.success) {
    const intent = form.get("intent");
    const known = ["deleteNews", "markRead"].includes(String(intent));
    return {
      intent: null,
      ok: false,
      message: known
        ? "No item was chosen: nothing was changed."
        : "That action is not one this page offers: nothing was changed.",
    };
  }
  const input = parsed.data;
  switch (input.intent) {
    case "postNews": {
      const result = await postNews(shop, { title: input.title, body: input.body });
      if (!result.ok) {
        return {
          intent: "postNews",
          ok: false,
          message: "Check the highlighted fields: the news was not posted.",
          fieldErrors: result.fieldErrors,
          values: { title: input.title, body: input.body },
        };
      }
      return {
        intent: "postNews",
        ok: true,
        message: `"${result.news.title}" is posted: ambassadors see it in the portal on your storefront.`,
        newsId: result.news.id,
      };
    }
    case "deleteNews":
      return (await deleteNews(shop, input.id))
        ? { intent: "deleteNews", ok: true, message: "The news was deleted." }
        : {
            intent: "deleteNews",
            ok: false,
            message: "That news is not in your store any more: nothing was deleted.",
          };
    case "markRead": {
      const marked = await markFeedbackRead(shop, [input.id]);
      if (marked > 0) return { intent: "markRead", ok: true, message: "Marked as read." };
      return (await feedbackExists(shop, input.id))
        ? { intent: "markRead", ok: true, message: "That feedback was already read." }
        : {
            intent: "markRead",
            ok: false,
            message: "That feedback is not in your store: nothing was changed.",
          };
    }
    case "markAllRead": {
      const marked = await markAllFeedbackRead(shop);
      return {
        intent: "markAllRead",
        ok: true,
        message:
          marked === 0
            ? "There was no unread feedback."
            : `${marked.toLocaleString("en")} ${marked === 1 ? "message" : "messages"} marked as read.`,
      };
    }
  }
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import {
  importedTotals,
  importMentions,
  importReviews,
  previewMentionImport,
  previewReviewImport,
} from "../../models/Engagement/Engagement.server";
import { MAX_ROWS, MAX_UPLOAD_BYTES } from "../../models/Engagement/csv.server";
import { isReviewFormat } from "../../models/Engagement/review-formats";
import { pageTitle } from "../../utils/page-title";
import { ImportCard, type ImportOutcome } from "./components/ImportCard";

export const meta = () => pageTitle("Reviews and mentions");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [settings, stored] = await Promise.all([getProgramSettings(session.shop), importedTotals(session.shop)]);
  return {
    weights: { reviews: settings.reviewWeight, mentions: settings.mentionWeight },
    stored,
    limits: { megabytes: MAX_UPLOAD_BYTES / 1024 / 1024, rows: MAX_ROWS },
  };
};

/**
 * Two steps per file: `intent=preview` reads it and says what an import would do (the
 * column mapping, matched / unmatched / already imported counts, each bad row's errors),
 * writing nothing; `intent=import` writes the same plan. Multipart: `kind` (reviews or
 * mentions), `format` (reviews: a vendor or "auto"), `file`.
 */
export const action = async ({ request }: ActionFunctionArgs): Promise<ImportOutcome> => {
  const { session } = await authenticate.admin(request);
  // Refused before it is read: a file over the limit never fills the server's memory.
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_UPLOAD_BYTES + 64 * 1024) {
    return { ok: false, error: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: split it and import each part.` };
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, error: "The upload could not be read: choose the file again." };
  }
  const kind = form.get("kind");
  const intent = form.get("intent") === "import" ? "import" : "preview";
  const file = form.get("file");
  if (kind !== "reviews" && kind !== "mentions") return { ok: false, error: "Unknown import." };
  if (!(file instanceof File) || file.size === 0) return { ok: false, kind, error: "Choose a CSV file first." };
  if (file.size > MAX_UPLOAD_BYTES) {
    return { ok: false, kind, error: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: split it and import each part.` };
  }
  const text = await file.text();
  const format = form.get("format");
  const reviewFormat = isReviewFormat(format) ? format : "auto";

  if (kind === "reviews") {
    if (intent === "preview") {
      const preview = await previewReviewImport(session.shop, text, reviewFormat);
      return preview.ok ? { ok: true, kind, intent, preview: preview.preview, fileName: file.name } : { ok: false, kind, error: preview.error };
    }
    const result = await importReviews(session.shop, text, reviewFormat);
    return result.ok
      ? { ok: true, kind, intent, preview: result.preview, imported: result.imported, fileName: file.name }
      : { ok: false, kind, error: result.error };
  }
  if (intent === "preview") {
    const preview = await previewMentionImport(session.shop, text);
    return preview.ok ? { ok: true, kind, intent, preview: preview.preview, fileName: file.name } : { ok: false, kind, error: preview.error };
  }
  const result = await importMentions(session.shop, text);
  return result.ok
    ? { ok: true, kind, intent, preview: result.preview, imported: result.imported, fileName: file.name }
    : { ok: false, kind, error: result.error };
};

export default function Signals() {
  const { weights, stored, limits } = useLoaderData<typeof loader>();
  const limitText = `CSV, up to ${limits.megabytes} MB and ${limits.rows.toLocaleString("en")} rows.`;
  return (
    <Page
      title="Reviews and mentions"
      subtitle="Find the customers who already love the brand"
      backAction={{ content: "Candidates", url: "/app/candidates" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ImportCard
              kind="reviews"
              title="Reviews"
              description={`Upload the review export of Judge.me, Yotpo, Okendo or Loox, or any CSV with email, rating, date and text columns. Reviews are matched to customers by email; reviews rated 4 or 5 add to the score. ${limitText}`}
              stored={stored.reviews}
              weight={weights.reviews}
            />
            <ImportCard
              kind="mentions"
              title="Social mentions"
              description={`Upload a social-listening export with handle, email (if known), mentions and date columns. Rows are matched by email, else by the social handle given at signup. ${limitText}`}
              stored={stored.mentions}
              weight={weights.mentions}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              Importing the same file again changes nothing. Rows that match no customer are
              counted and not kept.
            </Text>
            <Text as="p" tone="subdued">
              How much each signal counts: <Link url="/app/settings">Program settings</Link>.
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

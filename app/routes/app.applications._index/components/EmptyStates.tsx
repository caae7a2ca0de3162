import { EmptySearchResult, EmptyState, Text } from "@shopify/polaris";
import type { ApplicationTab } from "../tabs";

// A small inline illustration: the app runs offline in the demo, and needs no CDN here.
const ILLUSTRATION = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160">' +
    '<circle cx="113" cy="80" r="72" fill="#f1f1f1"/>' +
    '<circle cx="84" cy="66" r="16" fill="#b5b5b5"/><path d="M56 120c2-22 14-34 28-34s26 12 28 34z" fill="#b5b5b5"/>' +
    '<circle cx="142" cy="62" r="18" fill="#8a8a8a"/><path d="M110 120c2-25 15-38 32-38s30 13 32 38z" fill="#8a8a8a"/>' +
    '<circle cx="170" cy="44" r="11" fill="#29845a"/><path d="M165 44l4 4 7-8" stroke="#fff" stroke-width="3" fill="none"/>' +
    "</svg>"
)}`;

/** No application at all yet: where applications come from. */
export function NoApplications() {
  return (
    <EmptyState heading="No applications yet" image={ILLUSTRATION}>
      <Text as="p">
        Shoppers apply to become ambassadors from your storefront. To let them, open your theme
        editor, choose <b>Add block</b> → <b>Apps</b> and add the <b>Ambassador signup</b> app
        block to a page, then save. New applications appear here for you to approve or reject.
      </Text>
    </EmptyState>
  );
}

const EMPTY_TAB: Record<ApplicationTab, { title: string; description: string }> = {
  pending: {
    title: "No applications waiting",
    description: "You have decided on every application. New ones from your storefront appear here.",
  },
  approved: {
    title: "No approved applications",
    description: "Approve pending applications to make the applicants ambassadors.",
  },
  rejected: { title: "No rejected applications", description: "" },
  all: { title: "No applications", description: "" },
};

/** A tab with nothing in it. */
export function EmptyTab({ tab }: { tab: ApplicationTab }) {
  const { title, description } = EMPTY_TAB[tab];
  return <EmptySearchResult title={title} description={description || undefined} withIllustration />;
}

import { BlockStack, Card, Link, Text } from "@shopify/polaris";

const PAGES = [
  { url: "/app/signals", title: "Reviews and mentions", description: "Import review and social-listening exports: they add to candidates' scores." },
  { url: "/app/gifts", title: "Gifts", description: "The gift package, welcome gifts on approval, seasonal thank-you batches." },
  { url: "/app/program", title: "Offer and codes", description: "What ambassadors' friends get, how codes look, pausing codes." },
  { url: "/app/integrations", title: "Email and automation", description: "Shopify Flow triggers, Klaviyo, and event delivery." },
  { url: "/app/reconciliation", title: "Order check", description: "Find orders the app missed and repair them." },
  { url: "/app/data-requests", title: "Data requests", description: "Customers' data requests and erasures from Shopify." },
] as const;

/** The program's other settings pages, kept out of the app navigation (at most 7 entries). */
export function SettingsPages() {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          More settings
        </Text>
        {PAGES.map((page) => (
          <BlockStack gap="100" key={page.url}>
            <Link url={page.url}>{page.title}</Link>
            <Text as="p" tone="subdued">
              {page.description}
            </Text>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

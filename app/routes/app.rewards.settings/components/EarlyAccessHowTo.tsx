import { BlockStack, Box, Card, Text } from "@shopify/polaris";

/** The tag as a single-quoted literal (Liquid and the segment editor have no escapes for it). */
const quoted = (tag: string) => `'${tag.replace(/'/g, "")}'`;

export function earlyAccessSegmentQuery(tag: string) {
  return `customer_tags CONTAINS ${quoted(tag)}`;
}

export function earlyAccessLiquid(tag: string) {
  return [
    `{% if customer and customer.tags contains ${quoted(tag)} %}`,
    "  {% comment %}The section's product grid, unchanged{% endcomment %}",
    "{% else %}",
    "  <p>Early access for our ambassadors: log in to see this collection.</p>",
    "{% endif %}",
  ].join("\n");
}

/**
 * How the merchant gives a tier early access with Shopify's own tools, using the tier's
 * tag (the app keeps it on exactly the tier's ambassadors). docs/gifts.md has the sources.
 */
export function EarlyAccessHowTo({ tierName, tag }: { tierName: string; tag: string }) {
  return (
    <Card background="bg-surface-secondary">
      <BlockStack gap="200">
        <Text as="h4" variant="headingSm">
          {`Early access for ${tierName}`}
        </Text>
        <Text as="p">
          {`The app keeps the customer tag “${tag}” on exactly the ambassadors in ${tierName}. Use it with Shopify's own tools:`}
        </Text>
        <Text as="p" fontWeight="semibold">
          1. A customer segment (Customers › Segments › Create segment), for announcements and segment-only discounts:
        </Text>
        <Box padding="200" background="bg-surface">
          <pre data-testid="early-access-segment" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
            {earlyAccessSegmentQuery(tag)}
          </pre>
        </Box>
        <Text as="p">
          Email the segment when a launch opens early, or limit a discount&apos;s eligibility to it (Discounts › customer eligibility › specific customer segments).
        </Text>
        <Text as="p" fontWeight="semibold">
          2. A collection only tagged customers see: in the theme, give the early-access collection its own template and wrap its product grid in:
        </Text>
        <Box padding="200" background="bg-surface">
          <pre data-testid="early-access-liquid" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
            {earlyAccessLiquid(tag)}
          </pre>
        </Box>
        <Text as="p" tone="subdued">
          Or, for a launch before anyone else, password-protect the online store (Online Store › Preferences) and send the password to the segment.
          The theme hides the page, not the products: a product already published is still reachable by its address and in search.
        </Text>
      </BlockStack>
    </Card>
  );
}

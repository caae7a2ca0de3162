import { BlockStack, Card, Text } from "@shopify/polaris";
import { DEFINITIONS } from "../../../models/Analytics/definitions";

export function DefinitionsCard() {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Definitions
        </Text>
        <ul style={{ margin: 0, paddingLeft: "1.25rem" }}>
          {Object.entries(DEFINITIONS).map(([key, text]) => (
            <li key={key} style={{ marginBottom: ".5rem" }}>
              <Text as="span" variant="bodySm">
                {text}
              </Text>
            </li>
          ))}
        </ul>
        <Text as="p" variant="bodySm" tone="subdued">
          Amounts are in the shop&apos;s currency (Shopify&apos;s shop money), whatever currency the
          customer paid in.
        </Text>
      </BlockStack>
    </Card>
  );
}

import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { useShopDates } from "~/components/ShopDates";


const EVENT_LABELS: Record<string, string> = {
  invited: "Invited",
  approved: "Approved",
  reactivated: "Reactivated",
  paused: "Paused",
  removed: "Removed",
  code_changed: "Code changed",
  code_replaced: "Code replaced",
  welcomed: "Welcomed in Shopify",
  flow_failed: "Flow trigger refused",
  gift_created: "Gift sent as a draft order",
  error: "Shopify refused a change",
};

const CODE_STATES: Record<string, string> = {
  retired: "Retired",
  inactive: "Switched off",
  active: "Active",
};

export function History({
  events,
  pastCodes,
}: {
  events: Array<{ id: string; kind: string; detail: string; createdAt: string }>;
  pastCodes: Array<{ code: string; wanted: string; state: string; error: string | null; createdAt: string }>;
}) {
  const dates = useShopDates();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          History
        </Text>
        {pastCodes.length > 0 ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Earlier codes (their orders still count for this ambassador)
            </Text>
            {pastCodes.map((c) => (
              <InlineStack gap="200" key={c.code}>
                <code>{c.code}</code>
                <Badge>{c.state === "failed" ? "Refused by Shopify" : (CODE_STATES[c.wanted] ?? c.wanted)}</Badge>
              </InlineStack>
            ))}
          </BlockStack>
        ) : null}
        <BlockStack gap="200">
          {events.map((event) => (
            <BlockStack gap="025" key={event.id}>
              <InlineStack gap="200">
                <Text as="span" fontWeight="semibold">
                  {EVENT_LABELS[event.kind] ?? event.kind}
                </Text>
                <Text as="span" tone="subdued">
                  {dates.dateTime(event.createdAt)}
                </Text>
              </InlineStack>
              {event.detail ? <Text as="p">{event.detail}</Text> : null}
            </BlockStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

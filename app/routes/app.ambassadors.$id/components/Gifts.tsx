import { Banner, BlockStack, Button, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { useShopDates } from "~/components/ShopDates";
import { GiftStateBadge } from "../../app.gifts/components/GiftStateBadge";

export interface GiftRow {
  id: string;
  occasionLabel: string;
  state: string;
  items: Array<{ title: string; quantity: number }>;
  draftOrderId: string | null;
  draftOrderName: string | null;
  orderName: string | null;
  addressMissing: boolean;
  error: string | null;
  createdAt: string;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/** The ambassador's gifts and where each stands in Shopify (draft → completed → shipped). */
export function Gifts({
  gifts,
  canSendWelcome,
  onRetry,
  onSendWelcome,
}: {
  gifts: GiftRow[];
  canSendWelcome: boolean;
  onRetry: () => void;
  onSendWelcome: () => void;
}) {
  const dates = useShopDates();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Gifts
          </Text>
          <InlineStack gap="200">
            {canSendWelcome ? <Button onClick={onSendWelcome}>Send welcome package</Button> : null}
            <Link url="/app/gifts">Gift package</Link>
          </InlineStack>
        </InlineStack>
        {gifts.length === 0 ? (
          <Text as="p" tone="subdued">
            No gifts yet.
          </Text>
        ) : (
          gifts.map((gift) => (
            <BlockStack gap="100" key={gift.id}>
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" fontWeight="semibold">
                  {gift.occasionLabel}
                </Text>
                <GiftStateBadge state={gift.state} />
                {gift.draftOrderId ? (
                  <Link url={`shopify://admin/draft_orders/${numericId(gift.draftOrderId)}`} target="_top">
                    {gift.orderName ?? gift.draftOrderName ?? "Draft order"}
                  </Link>
                ) : null}
                <Text as="span" tone="subdued">
                  {dates.date(gift.createdAt)}
                </Text>
              </InlineStack>
              <Text as="p" tone="subdued">
                {gift.items.map((i) => `${i.quantity} × ${i.title}`).join(", ")}
              </Text>
              {gift.addressMissing && gift.state === "draft" ? (
                <Banner tone="warning">
                  Address missing: add a shipping address to draft order {gift.draftOrderName} in Shopify before completing it.
                </Banner>
              ) : null}
              {gift.state === "failed" && gift.error ? (
                <Banner tone="critical" action={{ content: "Try again", onAction: onRetry }}>
                  {gift.error}
                </Banner>
              ) : null}
            </BlockStack>
          ))
        )}
      </BlockStack>
    </Card>
  );
}

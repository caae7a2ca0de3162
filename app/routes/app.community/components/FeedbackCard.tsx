import { Badge, BlockStack, Box, Button, Card, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import { EmptyList, ListPagination } from "./ListPagination";
import type { FeedbackView, PageInfo } from "./types";
import { useShopDates } from "~/components/ShopDates";

const stars = (rating: number) => `${"★".repeat(rating)}${"☆".repeat(5 - rating)}`;

/** Feedback from ambassadors, newest first; unread messages stand out. */
export function FeedbackCard({
  feedback,
  info,
  unreadCount,
  onMarkRead,
  onMarkAllRead,
  busy,
}: {
  feedback: FeedbackView[];
  info: PageInfo;
  unreadCount: number;
  onMarkRead(id: string): void;
  onMarkAllRead(): void;
  /** A mark-as-read is being saved: "all", an id, or null. */
  busy: string | null;
}) {
  const dates = useShopDates();
  return (
    <Card padding="0">
      <Box padding="400" paddingBlockEnd="200">
        <InlineStack align="space-between" blockAlign="center">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Feedback
            </Text>
            {info.totalCount > 0 ? (
              <Text as="p" tone="subdued">
                {unreadCount > 0
                  ? `${unreadCount.toLocaleString("en")} unread of ${info.totalCount.toLocaleString("en")}`
                  : `${info.totalCount.toLocaleString("en")} ${info.totalCount === 1 ? "message" : "messages"}, all read`}
              </Text>
            ) : null}
          </BlockStack>
          {unreadCount > 0 ? (
            <Button onClick={onMarkAllRead} loading={busy === "all"}>
              Mark all as read
            </Button>
          ) : null}
        </InlineStack>
      </Box>
      {feedback.length === 0 ? (
        <EmptyList title="No feedback yet">
          Ambassadors can send you feedback from the ambassador portal on your storefront.
        </EmptyList>
      ) : (
        <IndexTable
          resourceName={{ singular: "message", plural: "messages" }}
          itemCount={feedback.length}
          selectable={false}
          headings={[
            { title: "From" },
            { title: "Rating" },
            { title: "Message" },
            { title: "Received" },
            { title: "Actions", hidden: true },
          ]}
        >
          {feedback.map((item, index) => (
            <IndexTable.Row
              id={item.id}
              key={item.id}
              position={index}
              tone={item.read ? "subdued" : undefined}
            >
              <IndexTable.Cell>
                <BlockStack gap="100" inlineAlign="start">
                  {item.ambassador ? (
                    <Link url={`/app/ambassadors/${item.ambassador.id}`}>{item.ambassador.name}</Link>
                  ) : (
                    <Text as="span" tone="subdued">
                      Former ambassador
                    </Text>
                  )}
                  {item.read ? null : <Badge tone="attention">Unread</Badge>}
                </BlockStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                {item.rating ? (
                  <span aria-label={`${item.rating} out of 5`} title={`${item.rating} out of 5`}>
                    {stars(item.rating)}
                  </span>
                ) : (
                  <Text as="span" tone="subdued">
                    —
                  </Text>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <div style={{ maxWidth: "28rem", whiteSpace: "pre-line" }}>
                  <Text as="p" fontWeight={item.read ? "regular" : "semibold"} breakWord>
                    {item.message}
                  </Text>
                </div>
              </IndexTable.Cell>
              <IndexTable.Cell>{dates.dateTime(item.createdAt)}</IndexTable.Cell>
              <IndexTable.Cell>
                {item.read ? null : (
                  <Button
                    size="slim"
                    onClick={() => onMarkRead(item.id)}
                    loading={busy === item.id}
                    // The visible words first, so speech users can say "Mark as read".
                    accessibilityLabel={`Mark as read: the message from ${item.ambassador?.name ?? "a former ambassador"}`}
                  >
                    Mark as read
                  </Button>
                )}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
      <ListPagination list="feedback" info={info} label="feedback" />
    </Card>
  );
}

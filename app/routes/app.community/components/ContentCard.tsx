import { BlockStack, Box, Card, IndexTable, Link, Text } from "@shopify/polaris";
import { EmptyList, ListPagination } from "./ListPagination";
import type { ContentView, PageInfo } from "./types";
import { useShopDates } from "~/components/ShopDates";

/** Content links ambassadors sent, newest first. */
export function ContentCard({ content, info }: { content: ContentView[]; info: PageInfo }) {
  const dates = useShopDates();
  return (
    <Card padding="0">
      <Box padding="400" paddingBlockEnd="200">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Content ({info.totalCount.toLocaleString("en")})
          </Text>
          <Text as="p" tone="subdued">
            Posts, videos and reviews your ambassadors made. Links open in a new tab.
          </Text>
        </BlockStack>
      </Box>
      {content.length === 0 ? (
        <EmptyList title="No content yet">
          Ambassadors can share links to what they made from the ambassador portal on your
          storefront.
        </EmptyList>
      ) : (
        <IndexTable
          resourceName={{ singular: "link", plural: "links" }}
          itemCount={content.length}
          selectable={false}
          headings={[{ title: "Ambassador" }, { title: "Link" }, { title: "Note" }, { title: "Sent" }]}
        >
          {content.map((item, index) => (
            <IndexTable.Row id={item.id} key={item.id} position={index}>
              <IndexTable.Cell>
                {item.ambassador ? (
                  <Link url={`/app/ambassadors/${item.ambassador.id}`}>{item.ambassador.name}</Link>
                ) : (
                  <Text as="span" tone="subdued">
                    Former ambassador
                  </Text>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <div style={{ maxWidth: "24rem", overflowWrap: "anywhere", whiteSpace: "normal" }}>
                  {item.href ? (
                    <a href={item.href} target="_blank" rel="noopener noreferrer">
                      {item.url}
                    </a>
                  ) : (
                    <Text as="span" tone="subdued">
                      {item.url} (not a web link)
                    </Text>
                  )}
                </div>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <div style={{ maxWidth: "20rem", whiteSpace: "pre-line" }}>
                  <Text as="p" breakWord>
                    {item.note || "—"}
                  </Text>
                </div>
              </IndexTable.Cell>
              <IndexTable.Cell>{dates.dateTime(item.createdAt)}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
      <ListPagination list="content" info={info} label="content" />
    </Card>
  );
}

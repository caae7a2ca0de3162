import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { listDataRequests } from "../../models/CustomerDataRequest/CustomerDataRequest.server";
import { pageTitle } from "../../utils/page-title";
import { useShopDates } from "~/components/ShopDates";

export const meta = () => pageTitle("Data requests");

/** Customers' requests for their data (customers/data_request), newest first. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const requests = await listDataRequests(session.shop);
  return {
    requests: requests.map((row) => ({
      id: row.id,
      customerId: row.customerId,
      email: row.email,
      receivedAt: row.receivedAt.toISOString(),
      downloadedAt: row.downloadedAt?.toISOString() ?? null,
    })),
  };
};


export default function DataRequests() {
  const dates = useShopDates();
  const { requests } = useLoaderData<typeof loader>();
  return (
    <Page title="Data requests" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="p">
                When a customer asks your store for the data held on them, Shopify tells the app. Each request is
                listed here: download the report (JSON) and send it to the customer. It holds everything this app
                stores on them — purchase statistics, orders, their ambassador record and codes, application,
                content links, feedback, share-link clicks, attributed orders, rewards and payouts — as of the moment
                you download it. If the customer later asks to be erased, their personal data leaves the app and
                the report will show it.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            {requests.length === 0 ? (
              <EmptyState heading="No data requests" image="">
                <p>Requests customers make through Shopify appear here.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "data request", plural: "data requests" }}
                itemCount={requests.length}
                selectable={false}
                headings={[{ title: "Received" }, { title: "Customer" }, { title: "Status" }, { title: "Report" }]}
              >
                {requests.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>{dates.dateTime(row.receivedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {row.email ?? "(email erased)"} · customer {row.customerId ?? "?"}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {row.downloadedAt ? (
                        <Badge tone="success">{`Downloaded ${dates.dateTime(row.downloadedAt)}`}</Badge>
                      ) : (
                        <Badge tone="attention">To send</Badge>
                      )}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Button url={`/app/data-requests/${row.id}/report`} target="_blank" download>
                        Download JSON
                      </Button>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

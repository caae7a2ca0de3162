import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Card,
  InlineGrid,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { getShopOverview } from "../../models/Shop/ShopOverview.server";
import { latestHistorySync } from "../../models/OrderHistory/HistorySync.server";
import { StatCard } from "./components/StatCard";
import { HistorySyncCard } from "./components/HistorySyncCard";
import { historySyncView } from "../app.history-sync/history-sync-view";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Home");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const [overview, sync] = await Promise.all([
    getShopOverview(admin.graphql),
    latestHistorySync(session.shop),
  ]);
  return { overview, sync: historySyncView(sync) };
};

export default function Home() {
  const { overview, sync } = useLoaderData<typeof loader>();
  const numbers = new Intl.NumberFormat("en");

  return (
    <Page title={overview.name}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Welcome to Ambassadors
                </Text>
                <Text as="p">
                  Ambassadors finds the customers who already buy from {overview.name} again
                  and again, turns them into ambassadors with a personal discount code,
                  and measures what the program earns you.
                </Text>
              </BlockStack>
            </Card>
            <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
              <StatCard
                label="Customers"
                value={`${numbers.format(overview.customerCount)}${overview.customerCountIsLowerBound ? "+" : ""}`}
              />
              <StatCard
                label="Orders"
                value={`${numbers.format(overview.orderCount)}${overview.orderCountIsLowerBound ? "+" : ""}`}
              />
            </InlineGrid>
            <HistorySyncCard
              sync={sync}
              orderCount={overview.orderCountIsLowerBound ? null : overview.orderCount}
            />
            <Text as="p" tone="subdued">
              Store domain: {overview.domain} · Currency: {overview.currencyCode}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

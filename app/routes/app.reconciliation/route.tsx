import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, EmptyState, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { recentReconciliationRuns } from "../../models/Attribution/Reconciliation.server";
import { deliveriesNotApplied, TOPIC_NAMES, type InboxTopic } from "../../models/WebhookInbox/WebhookInbox.server";
import { requestReconciliation } from "../../jobs/reconciliation.server";
import { pageTitle } from "../../utils/page-title";
import { useShopDates } from "~/components/ShopDates";

export const meta = () => pageTitle("Order check");

export interface ReconciliationRunView {
  id: string;
  trigger: string;
  status: string;
  ordersRead: number;
  ordersFixed: number;
  report: string[];
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** The latest runs with their reports, and the notifications the app could not apply. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const runs = await recentReconciliationRuns(session.shop, 10);
  const notApplied = await deliveriesNotApplied(session.shop);
  return {
    notApplied: notApplied.map((delivery) => ({
      id: delivery.webhookId,
      topic: TOPIC_NAMES[delivery.topic as InboxTopic] ?? delivery.topic,
      receivedAt: delivery.receivedAt.toISOString(),
      error: delivery.lastError,
    })),
    runs: runs.map(
      (run): ReconciliationRunView => ({
        id: run.id,
        trigger: run.trigger,
        status: run.status,
        ordersRead: run.ordersRead,
        ordersFixed: run.ordersFixed,
        report: run.report ? run.report.split("\n") : [],
        error: run.error,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt?.toISOString() ?? null,
      }),
    ),
  };
};

/** "Check recent orders now": starts a run (or joins the running one) in the background. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  await requestReconciliation(session.shop, "manual");
  return redirect("/app/reconciliation");
};


const STATUS: Record<string, { label: string; tone?: "success" | "critical" | "info" }> = {
  running: { label: "Checking…", tone: "info" },
  completed: { label: "Done", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
};

function RunCard({ run }: { run: ReconciliationRunView }) {
  const dates = useShopDates();
  const status = STATUS[run.status] ?? { label: run.status };
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {dates.dateTime(run.startedAt)}
          </Text>
          <Badge tone={status.tone}>{status.label}</Badge>
          <Text as="span" tone="subdued">
            {run.trigger === "manual" ? "Started by you" : "Daily check"}
          </Text>
        </InlineStack>
        {run.status === "completed" && (
          <Text as="p">
            {run.ordersRead} order{run.ordersRead === 1 ? "" : "s"} with ambassador codes checked;{" "}
            {run.ordersFixed === 0 ? "nothing needed fixing." : `${run.ordersFixed} fixed:`}
          </Text>
        )}
        {run.report.length > 0 && (
          <List>
            {run.report.map((line, i) => (
              <List.Item key={i}>{line}</List.Item>
            ))}
          </List>
        )}
        {run.error && (
          <Text as="p" tone="critical">
            {run.error}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Reconciliation() {
  const dates = useShopDates();
  const { runs, notApplied } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const running = runs.some((run) => run.status === "running");
  return (
    <Page title="Order check" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="p">
                Every day the app re-reads the orders of the last 30 days that used an ambassador&apos;s code and
                repairs anything a missed Shopify notification left out (an order, a refund, a cancellation).
              </Text>
              <Form method="post">
                <Button submit variant="primary" loading={navigation.state === "submitting"} disabled={running}>
                  Check recent orders now
                </Button>
              </Form>
            </BlockStack>
          </Card>
        </Layout.Section>
        {notApplied.length > 0 && (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">
                  Shopify notifications the app could not apply
                </Text>
                <Text as="p" tone="subdued">
                  Each is kept as it came, with the reason. The order check repairs orders that used an
                  ambassador&apos;s code.
                </Text>
                <List>
                  {notApplied.map((delivery) => (
                    <List.Item key={delivery.id}>
                      {delivery.topic}, {dates.dateTime(delivery.receivedAt)}: {delivery.error}
                    </List.Item>
                  ))}
                </List>
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="300">
            {runs.length === 0 ? (
              <Card>
                <EmptyState heading="No checks yet" image="">
                  <p>The first daily check runs within a day of your first ambassador.</p>
                </EmptyState>
              </Card>
            ) : (
              runs.map((run) => <RunCard key={run.id} run={run} />)
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

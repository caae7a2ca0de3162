import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Tabs, Text } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import { decodeCursor, readQueue } from "./queue.server";
import { decide } from "./decide.server";
import { APPLICATION_TABS, DEFAULT_TAB, readTab, TAB_LABELS, type ApplicationTab } from "./tabs";
import { ApplicationsTable, type ApplicationRow, type Decision } from "./components/ApplicationsTable";
import { OutcomeBanner, type DecisionOutcome } from "./components/OutcomeBanner";
import { EmptyTab, NoApplications } from "./components/EmptyStates";
import { pageTitle } from "../../utils/page-title";
import { bulkApprovalConfirmation, useConfirmation } from "~/components/ConfirmationModal";

export const meta = () => pageTitle("Applications");


export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const tab = readTab(params.get("status"));
  const after = decodeCursor(params.get("after"));
  const before = after ? null : decodeCursor(params.get("before"));

  const [settings, paged] = await Promise.all([
    getProgramSettings(shop),
    readQueue(shop, { tab, after, before }),
  ]);
  // A page emptied by decisions (or an old link): start again from the newest.
  const queue =
    paged.rows.length === 0 && (after || before) ? await readQueue(shop, { tab }) : paged;

  const rows: ApplicationRow[] = queue.rows.map((a) => ({
    id: a.id,
    name: a.name,
    email: a.email,
    socialHandle: a.socialHandle,
    reason: a.reason,
    customerId: a.customerId,
    status: a.status,
    ambassadorId: a.ambassadorId,
    submissions: a.submissions,
    createdAt: a.createdAt.toISOString(),
    customer: a.customer,
  }));
  return {
    tab,
    rows,
    counts: queue.counts,
    nextCursor: queue.nextCursor,
    previousCursor: queue.previousCursor,
    currencyCode: settings.currencyCode,
  };
};

/** Approve / Reject: form fields `intent` ("approve" | "reject") and `id` (repeated). */
export const action = async ({ request }: ActionFunctionArgs): Promise<DecisionOutcome> => {
  const { session } = await authenticate.admin(request);
  return decide(session.shop, await request.formData());
};

export default function Applications() {
  const { tab, rows, counts, nextCursor, previousCursor, currencyCode } =
    useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [, setSearchParams] = useSearchParams();
  const fetcher = useFetcher<typeof action>();

  const [dismissedOutcome, setDismissedOutcome] = useState<unknown>(null);
  const outcome =
    fetcher.state === "idle" && fetcher.data && fetcher.data !== dismissedOutcome
      ? fetcher.data
      : null;
  const [decidedToken, setDecidedToken] = useState(0);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) setDecidedToken((token) => token + 1);
  }, [fetcher.state, fetcher.data]);

  const loading =
    navigation.state === "loading" && navigation.location.pathname === "/app/applications";

  const show = (next: { tab?: ApplicationTab; after?: string; before?: string }) => {
    const params = new URLSearchParams();
    const status = next.tab ?? tab;
    if (status !== DEFAULT_TAB) params.set("status", status);
    if (next.after) params.set("after", next.after);
    if (next.before) params.set("before", next.before);
    setSearchParams(params);
  };

  const { ask, modal } = useConfirmation();
  const onDecide = (decision: Decision, ids: string[]) => {
    const send = () => {
      const form = new FormData();
      form.set("intent", decision);
      for (const id of ids) form.append("id", id);
      fetcher.submit(form, { method: "post" });
    };
    if (decision === "approve" && ids.length > 1) ask(bulkApprovalConfirmation(ids.length, send));
    else send();
  };

  const tabs = APPLICATION_TABS.map((t) => ({
    id: `applications-${t}`,
    content: `${TAB_LABELS[t]} (${counts[t].toLocaleString("en")})`,
    accessibilityLabel: `${TAB_LABELS[t]} applications`,
    panelID: "applications-panel",
  }));

  return (
    <Page
      title="Applications"
      subtitle="Shoppers who asked to become ambassadors from your storefront"
    >
      {modal}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {outcome ? (
              <OutcomeBanner outcome={outcome} onDismiss={() => setDismissedOutcome(outcome)} />
            ) : null}
            {counts.all === 0 ? (
              <Card>
                <NoApplications />
              </Card>
            ) : (
              <>
                <Text as="p" tone="subdued">
                  Approving makes the applicant an ambassador with their own discount code,
                  created in Shopify in the background. Logged-in applicants see your decision in
                  the storefront&apos;s ambassador portal.
                </Text>
                <Card padding="0">
                  <Tabs
                    tabs={tabs}
                    selected={APPLICATION_TABS.indexOf(tab)}
                    onSelect={(index) => show({ tab: APPLICATION_TABS[index] })}
                  >
                    <div id="applications-panel">
                      <ApplicationsTable
                        rows={rows}
                        currencyCode={currencyCode}
                        selectable={tab === "pending" || tab === "all"}
                        hasNext={nextCursor !== null}
                        hasPrevious={previousCursor !== null}
                        onNext={() => nextCursor && show({ after: nextCursor })}
                        onPrevious={() => previousCursor && show({ before: previousCursor })}
                        onDecide={onDecide}
                        deciding={fetcher.state !== "idle"}
                        decidedToken={decidedToken}
                        loading={loading}
                        emptyState={<EmptyTab tab={tab} />}
                      />
                    </div>
                  </Tabs>
                </Card>
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

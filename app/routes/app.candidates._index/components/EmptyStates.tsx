import { Form, useNavigation } from "@remix-run/react";
import { BlockStack, Box, Button, Card, EmptySearchResult, Text } from "@shopify/polaris";
import type { AmbassadorStatus } from "~/models/Candidate/Candidate.server";

const EMPTY_TAB: Record<AmbassadorStatus, string> = {
  none: "Every candidate has a decision",
  invited: "No invited candidates",
  approved: "No approved ambassadors yet",
  dismissed: "No dismissed candidates",
};

/** Before the first history sync: nothing to rank yet. */
export function SyncFirst() {
  const navigation = useNavigation();
  const starting = navigation.state !== "idle" && navigation.formAction === "/app/history-sync";
  return (
    <Card>
      <Box paddingBlock="800" paddingInline="400">
        <BlockStack gap="300" inlineAlign="center">
          <Text as="h2" variant="headingLg" alignment="center">
            Sync your order history
          </Text>
          <Box maxWidth="32rem">
            <Text as="p" alignment="center" tone="subdued">
              Ambassadors reads your store&apos;s orders once to find the customers who buy again
              and again. After that, new orders, refunds and cancellations keep the list current.
            </Text>
          </Box>
          <Form method="post" action="/app/history-sync">
            <input type="hidden" name="returnTo" value="/app" />
            <Button submit variant="primary" loading={starting}>
              Sync order history
            </Button>
          </Form>
        </BlockStack>
      </Box>
    </Card>
  );
}

/** The table's empty state: filters that match nobody, an empty tab, or nobody qualifying. */
export function NoCandidates({
  filtered,
  status,
}: {
  filtered: boolean;
  status: AmbassadorStatus | null;
}) {
  if (filtered) {
    return (
      <EmptySearchResult
        title="No candidates match these filters"
        description="Try a lower minimum, a longer period, or clear the filters."
        withIllustration
      />
    );
  }
  if (status) {
    return (
      <EmptySearchResult
        title={EMPTY_TAB[status]}
        description="Select candidates under All and use Invite, Approve or Dismiss."
        withIllustration
      />
    );
  }
  return (
    <EmptySearchResult
      title="No repeat buyers yet"
      description="No customer meets your program settings. Lower the thresholds in Settings, or wait for more orders."
      withIllustration
    />
  );
}

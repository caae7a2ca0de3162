import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { FraudFlagView } from "../../../models/Fraud/flag-view";
import { useShopDates } from "~/components/ShopDates";


function FlagRow({ flag, showAmbassador }: { flag: FraudFlagView; showAmbassador: boolean }) {
  const dates = useShopDates();
  const fetcher = useFetcher();
  const resolved = flag.resolvedAt !== null || fetcher.state !== "idle" || fetcher.data !== undefined;
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" wrap>
        <Badge tone={flag.kind === "leak" ? "critical" : "warning"}>{flag.label}</Badge>
        {showAmbassador && (
          <Text as="span" fontWeight="semibold">
            {flag.ambassadorName}
          </Text>
        )}
        <Text as="span" tone="subdued">
          {dates.dateTime(flag.createdAt)}
        </Text>
        {resolved ? (
          <Badge>Reviewed</Badge>
        ) : (
          <fetcher.Form method="post" action={`/app/fraud-flags/${flag.id}/resolve`}>
            <Button submit variant="plain">
              Mark as reviewed
            </Button>
          </fetcher.Form>
        )}
      </InlineStack>
      <Text as="p">{flag.detail}</Text>
    </BlockStack>
  );
}

/**
 * Fraud flags (self-referrals, leaked codes) from `listFraudFlags`. On the ambassador
 * page pass that ambassador's flags; on the dashboard pass `showAmbassador`.
 */
export function FraudFlags({ flags, showAmbassador = false }: { flags: FraudFlagView[]; showAmbassador?: boolean }) {
  if (flags.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Fraud flags
        </Text>
        <Text as="p" tone="subdued">
          Self-referrals are attributed but earn nothing. A leaked code was used by many new customers at once; pause
          the ambassador or change their code if it was shared publicly.
        </Text>
        {flags.map((flag) => (
          <FlagRow key={flag.id} flag={flag} showAmbassador={showAmbassador} />
        ))}
      </BlockStack>
    </Card>
  );
}

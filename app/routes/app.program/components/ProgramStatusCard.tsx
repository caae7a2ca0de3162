import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, List, Text } from "@shopify/polaris";
import type { ProgramStatusActionResult } from "../../app.program.status/route";
import { useConfirmation } from "~/components/ConfirmationModal";

export interface ProgramStatusView {
  paused: boolean;
  pauseReason: string | null;
  codesPaused: boolean;
  hasDiscount: boolean;
  codesAtUninstall: string | null;
}

/** Program on/off, codes on/off, and what uninstalling does to codes (decided before, since the app cannot act after). */
export function ProgramStatusCard({ status }: { status: ProgramStatusView }) {
  const fetcher = useFetcher<ProgramStatusActionResult>();
  const busy = fetcher.state !== "idle";
  const submit = (intent: string) => fetcher.submit({ intent }, { method: "post", action: "/app/program/status" });
  const result = fetcher.data;
  const { ask, modal } = useConfirmation();
  const confirmPauseCodes = () =>
    ask({
      title: "Pause all ambassador codes?",
      changes: [
        "The app deactivates the “Ambassador program” discount in Shopify: every ambassador’s code stops applying at checkout at once, and share links stop giving the discount.",
        "Orders already placed keep their discount, rewards already earned stay, and you can turn codes back on at any time.",
      ],
      confirm: "Pause all codes",
      destructive: true,
      onConfirm: () => submit("pause-codes"),
    });
  return (
    <Card>
      {modal}
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Program status
          </Text>
          {status.paused ? <Badge tone="warning">Paused</Badge> : <Badge tone="success">Running</Badge>}
          {status.hasDiscount ? (
            status.codesPaused ? <Badge tone="warning">Codes paused</Badge> : <Badge tone="success">Codes working</Badge>
          ) : null}
        </InlineStack>
        {result?.ok ? <Banner tone="success">{result.message}</Banner> : null}
        {result && !result.ok ? (
          <Banner tone="critical" title="Nothing was changed">
            <List>
              {result.errors.map((message) => (
                <List.Item key={message}>{message}</List.Item>
              ))}
            </List>
          </Banner>
        ) : null}
        {status.paused ? (
          <Text as="p">
            {status.pauseReason === "uninstalled"
              ? `The program was paused when the app was uninstalled (codes were left ${status.codesAtUninstall === "paused" ? "paused" : "working"}). `
              : "You paused the program. "}
            While it is paused no codes are created in Shopify and no payouts are sent; orders are still recorded.
          </Text>
        ) : (
          <Text as="p">While the program runs, approvals create codes in Shopify and payouts are sent.</Text>
        )}
        <InlineStack gap="200">
          {status.paused ? (
            <Button variant="primary" onClick={() => submit("resume-program")} loading={busy}>
              Resume program
            </Button>
          ) : (
            <Button onClick={() => submit("pause-program")} loading={busy}>
              Pause program
            </Button>
          )}
          {status.hasDiscount ? (
            status.codesPaused ? (
              <Button onClick={() => submit("resume-codes")} loading={busy}>
                Turn codes back on
              </Button>
            ) : (
              <Button tone="critical" onClick={confirmPauseCodes} loading={busy}>
                Pause all codes now
              </Button>
            )
          ) : null}
        </InlineStack>
        <Text as="h3" variant="headingSm">
          If you uninstall the app
        </Text>
        <Text as="p" tone="subdued">
          Shopify removes the app&apos;s access before telling it about an uninstall, so the app cannot change your
          discounts afterwards. Codes are left as they are at that moment: if they are working, ambassadors&apos;
          codes keep applying at checkout until you delete the &ldquo;Ambassador program&rdquo; discount in Shopify
          admin. To stop them, use <strong>Pause all codes now</strong> before uninstalling. If you install the app
          again, the program stays paused until you resume it.
        </Text>
      </BlockStack>
    </Card>
  );
}

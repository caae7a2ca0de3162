import { useEffect, useRef } from "react";
import { useFetcher, useRevalidator } from "@remix-run/react";
import { BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { loader as progressLoader } from "../../app.ambassadors.progress/route";

export const PROGRESS_REFRESH_MS = 1500;

type Batch = Awaited<ReturnType<typeof progressLoader>>["batches"][number];

const numbers = new Intl.NumberFormat("en");

/**
 * Approvals being carried out in Shopify: codes created, then tag, metafields and Flow
 * trigger per customer. Re-reads itself while any batch is open, and reloads the page's
 * data when one finishes (so codes show as live).
 */
export function ApprovalProgress({ initial }: { initial: Batch[] }) {
  const fetcher = useFetcher<typeof progressLoader>();
  const revalidator = useRevalidator();
  const batches = fetcher.data?.batches ?? initial;
  const open = batches.length > 0;
  const previousCount = useRef(batches.length);

  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => {
      if (fetcher.state === "idle") fetcher.load("/app/ambassadors/progress");
    }, PROGRESS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, fetcher]);

  useEffect(() => {
    if (batches.length < previousCount.current) revalidator.revalidate();
    previousCount.current = batches.length;
  }, [batches.length, revalidator]);

  if (!open) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Setting up new ambassadors in Shopify
        </Text>
        {batches.map((batch) => {
          const done = batch.codesLive + batch.welcomed + 2 * batch.failed;
          const percent = Math.min(100, (done / (2 * batch.total)) * 100);
          return (
            <BlockStack gap="100" key={batch.id}>
              <ProgressBar progress={percent} size="small" ariaLabelledBy={`batch-${batch.id}`} />
              <InlineStack align="space-between">
                <Text as="span" id={`batch-${batch.id}`}>
                  {numbers.format(batch.codesLive)} of {numbers.format(batch.total)} codes live ·{" "}
                  {numbers.format(batch.welcomed)} customers tagged and welcomed
                </Text>
                {batch.failed > 0 ? (
                  <Text as="span" tone="critical">
                    {numbers.format(batch.failed)} need your attention
                  </Text>
                ) : null}
              </InlineStack>
            </BlockStack>
          );
        })}
        <Text as="p" tone="subdued">
          Codes are added to your store&apos;s &quot;Ambassador program&quot; discount 250 at a time; each
          customer is then tagged and gets their code and share link in customer metafields. The
          work is paced to stay within your store&apos;s API limits and carries on if you leave this
          page.
        </Text>
      </BlockStack>
    </Card>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  klaviyoConnectionView,
  removeKlaviyoKey,
  saveKlaviyoKey,
} from "../../models/ProgramEvents/KlaviyoConnection.server";
import { programEventStatus } from "../../models/ProgramEvents/delivery.server";
import { PROGRAM_EVENT_KINDS } from "../../models/ProgramEvents/kinds";
import { enqueueProgramEventDelivery } from "../../jobs/program-events.server";
import { useConfirmation } from "../../components/ConfirmationModal";
import { useShopDates } from "../../components/ShopDates";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Email and automation");

/** Everything the page shows; the Klaviyo key is never part of it (only its last four characters). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [klaviyo, status] = await Promise.all([klaviyoConnectionView(session.shop), programEventStatus(session.shop)]);
  const triggers = Object.values(PROGRAM_EVENT_KINDS).map((kind) => ({ name: kind.name, description: kind.description }));
  return { klaviyo, status, triggers };
};

export type IntegrationsActionResult =
  | { ok: true; message: string }
  | { ok: false; errors: { apiKey?: string; form?: string } };

export const action = async ({ request }: ActionFunctionArgs): Promise<IntegrationsActionResult> => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "save-klaviyo-key") {
    const apiKey = form.get("apiKey");
    const saved = await saveKlaviyoKey(shop, typeof apiKey === "string" ? apiKey : "");
    if (!saved.ok) return saved;
    void enqueueProgramEventDelivery(shop);
    return { ok: true, message: "Klaviyo is connected. New program events go to Klaviyo from now on." };
  }
  if (intent === "remove-klaviyo-key") {
    await removeKlaviyoKey(shop);
    return { ok: true, message: "Klaviyo is disconnected and the key is deleted." };
  }
  return { ok: false, errors: { form: "Unknown action." } };
};

export default function Integrations() {
  const { klaviyo, status, triggers } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const dates = useShopDates();
  const navigation = useNavigation();
  const remover = useFetcher<typeof action>();
  const { ask, modal } = useConfirmation();
  const [apiKey, setApiKey] = useState("");
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save-klaviyo-key";
  const outcome = remover.data ?? result;

  return (
    <Page title="Email and automation" subtitle="Every moment of the program reaches Shopify Flow, and Klaviyo if you use it" backAction={{ content: "Settings", url: "/app/settings" }}>
      {modal}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {outcome?.ok ? <Banner tone="success">{outcome.message}</Banner> : null}
            {outcome && !outcome.ok && outcome.errors.form ? <Banner tone="critical">{outcome.errors.form}</Banner> : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Klaviyo
                </Text>
                {klaviyo.connected ? (
                  <BlockStack gap="200">
                    <Text as="p">
                      Connected with the private key ending in …{klaviyo.keyHint}
                      {klaviyo.connectedAt ? ` since ${dates.dateTime(klaviyo.connectedAt)}` : ""}. The key is stored
                      encrypted and is never shown again.
                    </Text>
                    {klaviyo.lastError ? (
                      <Banner tone="warning" title="Events to Klaviyo are waiting">
                        <p>{klaviyo.lastError}</p>
                        {klaviyo.retryAt ? <p>Next attempt: {dates.dateTime(klaviyo.retryAt)}. No event is lost.</p> : null}
                      </Banner>
                    ) : null}
                    <InlineStack>
                      <Button
                        tone="critical"
                        loading={remover.state !== "idle"}
                        onClick={() =>
                          ask({
                            title: "Disconnect Klaviyo?",
                            changes: [
                              "The saved key is deleted. Program events stop going to Klaviyo; events waiting to be sent are not sent.",
                              "Flows in Klaviyo that start from these events stop receiving them until you connect again.",
                            ],
                            confirm: "Disconnect Klaviyo",
                            destructive: true,
                            onConfirm: () => remover.submit({ intent: "remove-klaviyo-key" }, { method: "post" }),
                          })
                        }
                      >
                        Disconnect Klaviyo
                      </Button>
                    </InlineStack>
                  </BlockStack>
                ) : (
                  <Text as="p">
                    Paste a private API key from Klaviyo (Settings › API keys) with access to Accounts (read), Events and
                    Profiles (write). The app checks it with Klaviyo before saving it.
                  </Text>
                )}
                <Form method="post" onSubmit={() => setApiKey("")}>
                  <input type="hidden" name="intent" value="save-klaviyo-key" />
                  <BlockStack gap="200">
                    <TextField
                      label={klaviyo.connected ? "Replace with a new private API key" : "Private API key"}
                      name="apiKey"
                      type="password"
                      autoComplete="off"
                      value={apiKey}
                      onChange={setApiKey}
                      error={outcome && !outcome.ok ? outcome.errors.apiKey : undefined}
                    />
                    <InlineStack>
                      <Button submit variant="primary" loading={saving}>
                        {klaviyo.connected ? "Replace key" : "Connect Klaviyo"}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Delivery
                </Text>
                <Text as="p">
                  {status.flowWaiting === 0 ? "Every event has reached Shopify Flow" : `${status.flowWaiting} events waiting for Shopify Flow`}
                  {status.lastDeliveredAt ? ` (last sent ${dates.dateTime(status.lastDeliveredAt)})` : ""}.
                  {klaviyo.connected
                    ? status.klaviyoWaiting === 0
                      ? " Every event has reached Klaviyo."
                      : ` ${status.klaviyoWaiting} events waiting for Klaviyo.`
                    : ""}
                </Text>
                {status.refused.length > 0 ? (
                  <DataTable
                    columnContentTypes={["text", "text", "text"]}
                    headings={["Event", "When", "Not delivered because"]}
                    rows={status.refused.map((event) => [
                      event.name,
                      dates.dateTime(event.occurredAt),
                      [event.flowError && `Flow: ${event.flowError}`, event.klaviyoError && `Klaviyo: ${event.klaviyoError}`]
                        .filter(Boolean)
                        .join(" "),
                    ])}
                  />
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Shopify Flow triggers
              </Text>
              <Text as="p" tone="subdued">
                Start a workflow in Shopify Flow from any of these; the same events go to Klaviyo as metrics.
              </Text>
              {triggers.map((trigger) => (
                <BlockStack gap="050" key={trigger.name}>
                  <Text as="p" fontWeight="semibold">
                    {trigger.name}
                  </Text>
                  <Text as="p" tone="subdued">
                    {trigger.description}
                  </Text>
                </BlockStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

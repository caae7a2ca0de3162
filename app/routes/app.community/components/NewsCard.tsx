import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  FormLayout,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { EmptyList, ListPagination } from "./ListPagination";
import type { CommunityResult, NewsView, PageInfo } from "./types";
import { useShopDates } from "~/components/ShopDates";

export interface NewsLimits {
  title: number;
  body: number;
}

/** The form that posts news; its errors are shown on the fields. */
export function NewsForm({ limits }: { limits: NewsLimits }) {
  const fetcher = useFetcher<CommunityResult>({ key: "post-news" });
  const [values, setValues] = useState({ title: "", body: "" });
  const result = fetcher.state === "idle" && fetcher.data?.intent === "postNews" ? fetcher.data : null;
  const errors = result && !result.ok ? result.fieldErrors : {};

  // Posted: start a new message.
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.intent === "postNews" && fetcher.data.ok) {
      setValues({ title: "", body: "" });
    }
  }, [fetcher.state, fetcher.data]);

  return (
    <Card>
      <fetcher.Form method="post" noValidate>
        <input type="hidden" name="intent" value="postNews" />
        <BlockStack gap="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Post news
            </Text>
            <Text as="p" tone="subdued">
              Ambassadors see your latest news in the ambassador portal on your storefront: new
              products, a campaign, a thank-you.
            </Text>
          </BlockStack>
          {result ? (
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          ) : null}
          <FormLayout>
            <TextField
              label="Title"
              name="title"
              autoComplete="off"
              value={values.title}
              onChange={(title) => setValues((v) => ({ ...v, title }))}
              error={errors.title}
              maxLength={limits.title}
              showCharacterCount
              requiredIndicator
            />
            <TextField
              label="Message"
              name="body"
              autoComplete="off"
              multiline={4}
              value={values.body}
              onChange={(body) => setValues((v) => ({ ...v, body }))}
              error={errors.body}
              maxLength={limits.body}
              showCharacterCount
              requiredIndicator
            />
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              Post news
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

/** Posted news, newest first, each with Delete. */
export function NewsList({
  news,
  info,
  onDelete,
  busyId,
}: {
  news: NewsView[];
  info: PageInfo;
  onDelete(id: string): void;
  /** The news being deleted, if any. */
  busyId: string | null;
}) {
  const dates = useShopDates();
  return (
    <Card padding="0">
      <Box padding="400" paddingBlockEnd="200">
        <Text as="h2" variant="headingMd">
          Posted news ({info.totalCount.toLocaleString("en")})
        </Text>
      </Box>
      {news.length === 0 ? (
        <EmptyList title="No news posted yet">
          What you post above appears here and in the ambassador portal.
        </EmptyList>
      ) : (
        <BlockStack>
          {news.map((item) => (
            <div key={item.id} data-testid="news-item">
              <Divider />
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="start" gap="400" wrap={false}>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {item.title}
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Posted {dates.dateTime(item.publishedAt)}
                    </Text>
                    <Text as="p" breakWord>
                      <span style={{ whiteSpace: "pre-line" }}>{item.body}</span>
                    </Text>
                  </BlockStack>
                  <Button
                    tone="critical"
                    variant="plain"
                    onClick={() => onDelete(item.id)}
                    loading={busyId === item.id}
                    accessibilityLabel={`Delete "${item.title}"`}
                  >
                    Delete
                  </Button>
                </InlineStack>
              </Box>
            </div>
          ))}
        </BlockStack>
      )}
      <ListPagination list="news" info={info} label="news" />
    </Card>
  );
}

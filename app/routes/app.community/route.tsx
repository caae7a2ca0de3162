import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  listContent,
  listFeedback,
  listNews,
  NEWS_LIMITS,
  parsePage,
  type PageOf,
} from "../../models/Community/Community.server";
import { runCommunityAction } from "./intents.server";
import { NewsForm, NewsList } from "./components/NewsCard";
import { FeedbackCard } from "./components/FeedbackCard";
import { ContentCard } from "./components/ContentCard";
import {
  PAGE_PARAMS,
  type CommunityResult,
  type ContentView,
  type FeedbackView,
  type NewsView,
  type PageInfo,
} from "./components/types";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Community");

function pageInfo(page: PageOf<unknown>): PageInfo {
  const { page: current, pageSize, totalCount, hasPrevious, hasNext } = page;
  return { page: current, pageSize, totalCount, hasPrevious, hasNext };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const [news, feedback, content] = await Promise.all([
    listNews(shop, { page: parsePage(params.get(PAGE_PARAMS.news)) }),
    listFeedback(shop, { page: parsePage(params.get(PAGE_PARAMS.feedback)) }),
    listContent(shop, { page: parsePage(params.get(PAGE_PARAMS.content)) }),
  ]);
  return {
    limits: NEWS_LIMITS,
    news: {
      items: news.items.map(
        (n): NewsView => ({
          id: n.id,
          title: n.title,
          body: n.body,
          publishedAt: n.publishedAt.toISOString(),
        }),
      ),
      info: pageInfo(news),
    },
    feedback: {
      items: feedback.items.map(
        (f): FeedbackView => ({
          id: f.id,
          rating: f.rating,
          message: f.message,
          createdAt: f.createdAt.toISOString(),
          read: f.readAt !== null,
          ambassador: f.ambassador,
        }),
      ),
      info: pageInfo(feedback),
      unreadCount: feedback.unreadCount,
    },
    content: {
      items: content.items.map(
        (c): ContentView => ({
          id: c.id,
          url: c.url,
          href: c.href,
          note: c.note,
          createdAt: c.createdAt.toISOString(),
          ambassador: c.ambassador,
        }),
      ),
      info: pageInfo(content),
    },
  };
};

/**
 * Form field `intent`: "postNews" (title, body), "deleteNews" (id), "markRead" (id) or
 * "markAllRead".
 */
export const action = async ({ request }: ActionFunctionArgs): Promise<CommunityResult> => {
  const { session } = await authenticate.admin(request);
  return runCommunityAction(session.shop, await request.formData());
};

export default function Community() {
  const { limits, news, feedback, content } = useLoaderData<typeof loader>();
  // Delete and mark-as-read share one fetcher: their outcome shows in one banner.
  const fetcher = useFetcher<CommunityResult>({ key: "community-list-action" });
  const [dismissed, setDismissed] = useState<unknown>(null);
  const outcome =
    fetcher.state === "idle" && fetcher.data && fetcher.data !== dismissed ? fetcher.data : null;

  const pending = fetcher.state !== "idle" ? fetcher.formData : undefined;
  const pendingIntent = pending?.get("intent");
  const pendingId = pending ? String(pending.get("id") ?? "") : null;

  const submit = (fields: Record<string, string>) => fetcher.submit(fields, { method: "post" });

  return (
    <Page
      title="Community"
      subtitle="News for your ambassadors, and what they send you from the storefront portal"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {outcome ? (
              <Banner
                tone={outcome.ok ? "success" : "critical"}
                title={outcome.message}
                onDismiss={() => setDismissed(outcome)}
              />
            ) : null}
            <NewsForm limits={limits} />
            <NewsList
              news={news.items}
              info={news.info}
              onDelete={(id) => submit({ intent: "deleteNews", id })}
              busyId={pendingIntent === "deleteNews" ? pendingId : null}
            />
            <FeedbackCard
              feedback={feedback.items}
              info={feedback.info}
              unreadCount={feedback.unreadCount}
              onMarkRead={(id) => submit({ intent: "markRead", id })}
              onMarkAllRead={() => submit({ intent: "markAllRead" })}
              busy={
                pendingIntent === "markAllRead"
                  ? "all"
                  : pendingIntent === "markRead"
                    ? pendingId
                    : null
              }
            />
            <ContentCard content={content.items} info={content.info} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

import { useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { BlockStack, Box, InlineStack, Pagination, Text } from "@shopify/polaris";
import { PAGE_PARAMS, type CommunityList, type PageInfo } from "./types";

/** Previous / Next for one list; the other lists keep their pages. */
export function ListPagination({ list, info, label }: { list: CommunityList; info: PageInfo; label: string }) {
  const [params, setParams] = useSearchParams();
  if (!info.hasNext && !info.hasPrevious) return null;
  const lastPage = Math.max(1, Math.ceil(info.totalCount / info.pageSize));
  const go = (page: number) => {
    const next = new URLSearchParams(params);
    if (page <= 1) next.delete(PAGE_PARAMS[list]);
    else next.set(PAGE_PARAMS[list], String(page));
    setParams(next, { preventScrollReset: true });
  };
  return (
    <Box padding="300">
      <InlineStack align="center">
        <Pagination
          hasPrevious={info.hasPrevious}
          hasNext={info.hasNext}
          onPrevious={() => go(info.page - 1)}
          onNext={() => go(info.page + 1)}
          label={`Page ${info.page} of ${lastPage}`}
          accessibilityLabels={{ previous: `Previous ${label} page`, next: `Next ${label} page` }}
        />
      </InlineStack>
    </Box>
  );
}

/** A list with nothing in it yet, and why. */
export function EmptyList({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box padding="400" paddingBlockStart="200">
      <BlockStack gap="100">
        <Text as="p" fontWeight="semibold">
          {title}
        </Text>
        <Text as="p" tone="subdued">
          {children}
        </Text>
      </BlockStack>
    </Box>
  );
}

import { CellText } from "~/components/CellText";
import { memo, useEffect, type ReactNode } from "react";
import {
  Badge,
  BlockStack,
  IndexTable,
  Text,
  useIndexResourceState,
  type BadgeProps,
} from "@shopify/polaris";
import type { AmbassadorStatus, CandidateDecision } from "~/models/Candidate/Candidate.server";
import { formatMoney } from "~/models/ProgramSettings/shop-money";
import { STATUS_LABELS } from "../search-params";
import { useShopDates } from "~/components/ShopDates";

export interface CandidateRow {
  [key: string]: unknown;
  id: string;
  name: string | null;
  email: string | null;
  orderCount: number;
  netSpentCents: number;
  lastOrderAt: string | null;
  score: number;
  status: AmbassadorStatus;
  /** Why they rank there, e.g. "12 orders, last 9 days ago, 3 five-star reviews". */
  why: string;
}

const STATUS_TONES: Record<AmbassadorStatus, BadgeProps["tone"]> = {
  none: "new",
  invited: "info",
  approved: "success",
  dismissed: undefined,
};

const numberFormat = new Intl.NumberFormat("en");

export interface CandidatesTableProps {
  rows: CandidateRow[];
  currencyCode: string | null;
  /** First row's position in the whole list (1-based), when known. */
  firstPosition: number | null;
  totalCount: number;
  hasNext: boolean;
  hasPrevious: boolean;
  onNext(): void;
  onPrevious(): void;
  onDecide(decision: CandidateDecision, ids: string[]): void;
  /** True while a decision is being saved: selection stays until it is stored. */
  deciding: boolean;
  /** Changes when a decision has been stored: the selection is cleared then. */
  decidedToken: unknown;
  loading: boolean;
  emptyState: ReactNode;
}

/** Memoised: it renders again only when its rows or state change, not as the merchant types. */
export const CandidatesTable = memo(function CandidatesTable({
  rows,
  currencyCode,
  firstPosition,
  totalCount,
  hasNext,
  hasPrevious,
  onNext,
  onPrevious,
  onDecide,
  deciding,
  decidedToken,
  loading,
  emptyState,
}: CandidatesTableProps) {
  const dates = useShopDates();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(rows, { resourceIDResolver: (row) => row.id });

  // A new page or a stored decision: nothing stays selected that is not on screen.
  const pageKey = rows.map((row) => row.id).join(",");
  useEffect(() => clearSelection(), [pageKey, decidedToken, clearSelection]);

  const decide = (decision: CandidateDecision) => () => onDecide(decision, selectedResources);
  const bulk = (content: string, decision: CandidateDecision) => ({
    content,
    onAction: decide(decision),
    disabled: deciding,
  });

  const label =
    firstPosition !== null && rows.length > 0
      ? `${numberFormat.format(firstPosition)}–${numberFormat.format(
          firstPosition + rows.length - 1
        )} of ${numberFormat.format(totalCount)}`
      : undefined;

  return (
    <IndexTable
      resourceName={{ singular: "candidate", plural: "candidates" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      headings={[
        { title: "Customer" },
        { title: "Orders", alignment: "end" },
        { title: "Net spent", alignment: "end" },
        { title: "Last order" },
        { title: "Score", alignment: "end" },
        { title: "Status" },
      ]}
      promotedBulkActions={[
        bulk("Invite", "invited"),
        bulk("Approve", "approved"),
        bulk("Dismiss", "dismissed"),
      ]}
      bulkActions={[bulk("Clear decision", "none")]}
      loading={loading}
      emptyState={emptyState}
      pagination={
        hasNext || hasPrevious
          ? {
              hasNext,
              hasPrevious,
              onNext,
              onPrevious,
              label,
              accessibilityLabels: { previous: "Previous page", next: "Next page" },
            }
          : undefined
      }
    >
      {rows.map((row, index) => (
        <IndexTable.Row
          id={row.id}
          key={row.id}
          position={index}
          selected={selectedResources.includes(row.id)}
        >
          <IndexTable.Cell>
            <BlockStack gap="050">
              <CellText variant="bodyMd" fontWeight="semibold">
                {row.name ?? `Customer ${row.id}`}
              </CellText>
              <CellText variant="bodySm" tone="subdued">
                {row.email ?? "No email on file"}
              </CellText>
              <span data-candidate-why="">
                <CellText variant="bodySm">{row.why}</CellText>
              </span>
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {numberFormat.format(row.orderCount)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatMoney(row.netSpentCents, currencyCode)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {row.lastOrderAt ? dates.date(row.lastOrderAt) : "—"}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {row.score.toFixed(1)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Badge tone={STATUS_TONES[row.status]}>{STATUS_LABELS[row.status]}</Badge>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
});

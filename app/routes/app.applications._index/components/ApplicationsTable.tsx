import { CellText } from "~/components/CellText";
import { useEffect, type ReactNode } from "react";
import {
  Badge,
  BlockStack,
  Button,
  IndexTable,
  InlineStack,
  Link,
  Text,
  useIndexResourceState,
  type BadgeProps,
} from "@shopify/polaris";
import { formatMoney } from "~/models/ProgramSettings/shop-money";
import { useShopDates } from "~/components/ShopDates";

export interface ApplicationRow {
  [key: string]: unknown;
  id: string;
  name: string;
  email: string;
  socialHandle: string;
  reason: string;
  customerId: string | null;
  status: string;
  ambassadorId: string | null;
  submissions: number;
  createdAt: string;
  customer: { orderCount: number; netSpentCents: number } | null;
}

export type Decision = "approve" | "reject";

const STATUS_BADGES: Record<string, { label: string; tone: BadgeProps["tone"] }> = {
  pending: { label: "Pending", tone: "attention" },
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: undefined },
};

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** Clicks on buttons and links in a cell are theirs, not the row's (which selects it). */
function CellControls({ children }: { children: ReactNode }) {
  return <div onClick={(event) => event.stopPropagation()}>{children}</div>;
}

export interface ApplicationsTableProps {
  rows: ApplicationRow[];
  currencyCode: string | null;
  /** Rows can be selected for Approve / Reject (pending and all). */
  selectable: boolean;
  hasNext: boolean;
  hasPrevious: boolean;
  onNext(): void;
  onPrevious(): void;
  onDecide(decision: Decision, ids: string[]): void;
  /** True while a decision is being saved. */
  deciding: boolean;
  /** Changes when a decision has been stored: the selection is cleared then. */
  decidedToken: unknown;
  loading: boolean;
  emptyState: ReactNode;
}

export function ApplicationsTable({
  rows,
  currencyCode,
  selectable,
  hasNext,
  hasPrevious,
  onNext,
  onPrevious,
  onDecide,
  deciding,
  decidedToken,
  loading,
  emptyState,
}: ApplicationsTableProps) {
  const dates = useShopDates();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(rows, { resourceIDResolver: (row) => row.id });

  // A new page or a stored decision: nothing stays selected that is not on screen.
  const pageKey = rows.map((row) => row.id).join(",");
  useEffect(() => clearSelection(), [pageKey, decidedToken, clearSelection]);

  const bulk = (content: string, decision: Decision) => ({
    content,
    onAction: () => onDecide(decision, selectedResources),
    disabled: deciding,
  });

  return (
    <IndexTable
      resourceName={{ singular: "application", plural: "applications" }}
      itemCount={rows.length}
      selectable={selectable}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      headings={[
        { title: "Applicant" },
        { title: "Why they applied" },
        { title: "Customer" },
        { title: "Applied" },
        { title: "Status" },
        { title: "Actions", hidden: true },
      ]}
      promotedBulkActions={[bulk("Approve", "approve"), bulk("Reject", "reject")]}
      loading={loading}
      emptyState={emptyState}
      pagination={
        hasNext || hasPrevious
          ? {
              hasNext,
              hasPrevious,
              onNext,
              onPrevious,
              accessibilityLabels: { previous: "Previous page", next: "Next page" },
            }
          : undefined
      }
    >
      {rows.map((row, index) => {
        const badge = STATUS_BADGES[row.status] ?? { label: row.status, tone: undefined };
        return (
          <IndexTable.Row
            id={row.id}
            key={row.id}
            position={index}
            selected={selectedResources.includes(row.id)}
          >
            <IndexTable.Cell>
              <BlockStack gap="050">
                <CellText variant="bodyMd" fontWeight="semibold">
                  {row.name}
                </CellText>
                <CellText variant="bodySm" tone="subdued">
                  {row.email}
                </CellText>
                {row.socialHandle ? (
                  <CellText variant="bodySm" tone="subdued">
                    {row.socialHandle}
                  </CellText>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <div style={{ maxWidth: "22rem", whiteSpace: "normal" }}>
                <Text as="p" variant="bodySm" breakWord>
                  {row.reason ? truncate(row.reason, 160) : "—"}
                </Text>
              </div>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <CustomerFacts row={row} currencyCode={currencyCode} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Text as="span">{dates.date(row.createdAt)}</Text>
                {row.submissions > 1 ? (
                  <Text as="span" variant="bodySm" tone="subdued">
                    Applied {count(row.submissions, "time", "times")}
                  </Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={badge.tone}>{badge.label}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <CellControls>
                {row.status === "pending" ? (
                  <InlineStack gap="200" wrap={false}>
                    <Button
                      size="slim"
                      onClick={() => onDecide("approve", [row.id])}
                      disabled={deciding}
                      accessibilityLabel={`Approve ${row.name}`}
                    >
                      Approve
                    </Button>
                    <Button
                      size="slim"
                      variant="plain"
                      tone="critical"
                      onClick={() => onDecide("reject", [row.id])}
                      disabled={deciding}
                      accessibilityLabel={`Reject ${row.name}`}
                    >
                      Reject
                    </Button>
                  </InlineStack>
                ) : row.status === "approved" && row.ambassadorId ? (
                  <Link url={`/app/ambassadors/${row.ambassadorId}`}>View ambassador</Link>
                ) : null}
              </CellControls>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}

function CustomerFacts({ row, currencyCode }: { row: ApplicationRow; currencyCode: string | null }) {
  if (!row.customerId) {
    return (
      <Text as="span" tone="subdued">
        Not a customer yet
      </Text>
    );
  }
  if (!row.customer) {
    return (
      <BlockStack gap="050" inlineAlign="start">
        <Badge tone="info">Customer</Badge>
        <Text as="span" variant="bodySm" tone="subdued">
          No orders on record
        </Text>
      </BlockStack>
    );
  }
  const { orderCount, netSpentCents } = row.customer;
  return (
    <BlockStack gap="050" inlineAlign="start">
      <Badge tone="info">Customer</Badge>
      <Text as="span" variant="bodySm">
        {count(orderCount, "order", "orders")} · {formatMoney(netSpentCents, currencyCode)} spent
      </Text>
    </BlockStack>
  );
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

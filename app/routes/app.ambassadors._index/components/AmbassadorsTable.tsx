import { CellText } from "~/components/CellText";
import { Badge, IndexTable, Link, Text, Tooltip, type BadgeProps } from "@shopify/polaris";
import type { AmbassadorState } from "~/models/Ambassador/states";
import type { AmbassadorListRow } from "~/models/Ambassador/AmbassadorList.server";
import { formatMoney } from "~/models/ProgramSettings/shop-money";

/** A list row as the page receives it (dates serialized). */
export type AmbassadorRow = Omit<AmbassadorListRow, "activatedAt"> & {
  [key: string]: unknown;
  activatedAt: string | null;
};

export const STATUS_LABELS: Record<AmbassadorState, string> = {
  invited: "Invited",
  active: "Active",
  paused: "Paused",
  removed: "Removed",
};

const STATUS_TONES: Record<AmbassadorState, BadgeProps["tone"]> = {
  invited: "info",
  active: "success",
  paused: "attention",
  removed: undefined,
};

/** The ambassador's lifecycle state as a badge (list and detail page). */
export function AmbassadorStatusBadge({ status }: { status: AmbassadorState }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

const numbers = new Intl.NumberFormat("en");

function CodeCell({ row }: { row: AmbassadorRow }) {
  if (!row.code) return <Text as="span" tone="subdued">No code yet</Text>;
  const code = (
    <Text as="span" fontWeight="semibold">
      <code>{row.code}</code>
    </Text>
  );
  if (row.problem) {
    return (
      <Tooltip content={row.problem}>
        <span>
          {code} <Badge tone="critical">Needs attention</Badge>
        </span>
      </Tooltip>
    );
  }
  if (row.status === "active" && !row.codeLive) {
    return (
      <span>
        {code} <Badge tone="info">Being created</Badge>
      </span>
    );
  }
  return code;
}

export function AmbassadorsTable({ rows, currencyCode }: { rows: AmbassadorRow[]; currencyCode: string | null }) {
  return (
    <IndexTable
      resourceName={{ singular: "ambassador", plural: "ambassadors" }}
      itemCount={rows.length}
      selectable={false}
      headings={[
        { title: "Ambassador" },
        { title: "Status" },
        { title: "Code" },
        { title: "Clicks", alignment: "end" },
        { title: "Orders", alignment: "end" },
        { title: "Revenue", alignment: "end" },
      ]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={row.id} key={row.id} position={index}>
          <IndexTable.Cell>
            <Link url={`/app/ambassadors/${row.id}`} removeUnderline dataPrimaryLink>
              <CellText fontWeight="semibold">{row.name}</CellText>
            </Link>
            {row.email && row.email !== row.name ? <CellText tone="subdued">{row.email}</CellText> : null}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <AmbassadorStatusBadge status={row.status} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <CodeCell row={row} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {numbers.format(row.clicks)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {numbers.format(row.orders)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatMoney(row.revenueCents, currencyCode)}
            </Text>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

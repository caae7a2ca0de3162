import { startTransition, useMemo } from "react";
import {
  ChoiceList,
  IndexFilters,
  IndexFiltersMode,
  TextField,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
  type TabProps,
  type TextFieldProps,
} from "@shopify/polaris";
import type {
  AmbassadorStatus,
  CandidateSort,
  SortDirection,
} from "~/models/Candidate/Candidate.server";
import { currencySymbol } from "~/models/ProgramSettings/shop-money";
import { CANDIDATE_SIGNALS, SIGNAL_LABELS, type CandidateSignal } from "~/models/Candidate/explain";
import {
  PARAM_LABELS,
  STATUS_LABELS,
  STATUSES,
  TEXT_FILTERS,
  type CandidateParam,
  type TextFilter,
} from "../search-params";
import type { CandidateSearchState } from "./useCandidateSearch";

const FILTER_KEYS = [
  "minOrders",
  "minSpent",
  "withinDays",
  "tag",
] as const satisfies readonly TextFilter[];

const SORT_OPTIONS: IndexFiltersProps["sortOptions"] = [
  { label: "Score", value: "score desc", directionLabel: "Highest first" },
  { label: "Score", value: "score asc", directionLabel: "Lowest first" },
  { label: "Orders", value: "orders desc", directionLabel: "Most first" },
  { label: "Orders", value: "orders asc", directionLabel: "Fewest first" },
  { label: "Net spent", value: "spent desc", directionLabel: "Highest first" },
  { label: "Net spent", value: "spent asc", directionLabel: "Lowest first" },
  { label: "Last order", value: "lastOrder desc", directionLabel: "Newest first" },
  { label: "Last order", value: "lastOrder asc", directionLabel: "Oldest first" },
];

const TABS: { id: AmbassadorStatus | "all"; content: string }[] = [
  { id: "all", content: "All" },
  ...STATUSES.map((status) => ({ id: status, content: STATUS_LABELS[status] })),
];

export interface CandidateFiltersProps {
  search: CandidateSearchState;
  status: AmbassadorStatus | null;
  /** The engagement signal the list is narrowed to. */
  signal: CandidateSignal | null;
  sort: CandidateSort;
  direction: SortDirection;
  currencyCode: string | null;
  /** Why the server ignored a parameter (shown on its field). */
  errors: Partial<Record<CandidateParam, string>>;
  loading: boolean;
}

export function CandidateFilters({
  search,
  status,
  signal,
  sort,
  direction,
  currencyCode,
  errors,
  loading,
}: CandidateFiltersProps) {
  const { text, setText, clearText, update } = search;
  const anyApplied = TEXT_FILTERS.some((key) => text[key].trim() !== "") || signal !== null;
  const { mode, setMode } = useSetIndexFiltersMode(
    anyApplied ? IndexFiltersMode.Filtering : IndexFiltersMode.Default
  );
  const symbol = currencySymbol(currencyCode);

  // The server's note on a field, while the field still holds the value it refused.
  const errorFor = (key: TextFilter) => (errors[key] && text[key].trim() ? errors[key] : undefined);

  const field = (key: TextFilter, props: Partial<TextFieldProps> = {}) => (
    <TextField
      label={PARAM_LABELS[key]}
      labelHidden
      autoComplete="off"
      value={text[key]}
      onChange={(value) => setText(key, value)}
      error={errorFor(key)}
      {...props}
    />
  );

  const filters: IndexFiltersProps["filters"] = [
    {
      key: "minOrders",
      label: PARAM_LABELS.minOrders,
      pinned: true,
      filter: field("minOrders", { type: "number", min: 1, step: 1, suffix: "orders" }),
    },
    {
      key: "minSpent",
      label: PARAM_LABELS.minSpent,
      pinned: true,
      filter: field("minSpent", {
        inputMode: "decimal",
        prefix: symbol || undefined,
        helpText: currencyCode
          ? `Net spent, in ${currencyCode}`
          : "Net spent, in the shop currency",
      }),
    },
    {
      key: "withinDays",
      label: PARAM_LABELS.withinDays,
      pinned: true,
      filter: field("withinDays", { type: "number", min: 1, step: 1, suffix: "days" }),
    },
    {
      key: "tag",
      label: PARAM_LABELS.tag,
      filter: field("tag", { helpText: "One Shopify customer tag, e.g. vip" }),
    },
    {
      key: "signal",
      label: PARAM_LABELS.signal,
      pinned: true,
      filter: (
        <ChoiceList
          title={PARAM_LABELS.signal}
          titleHidden
          choices={CANDIDATE_SIGNALS.map((value) => ({ value, label: SIGNAL_LABELS[value] }))}
          selected={signal ? [signal] : []}
          onChange={([value]) =>
            update((params) => {
              if (value) params.set("signal", value);
              else params.delete("signal");
            })
          }
        />
      ),
    },
  ];

  const describe: Record<(typeof FILTER_KEYS)[number], (value: string) => string> = {
    minOrders: (value) => `At least ${value} orders`,
    minSpent: (value) => `Spent at least ${symbol}${value}`,
    withinDays: (value) => `Last order within ${value} days`,
    tag: (value) => `Tagged ${value}`,
  };
  const clearSignal = () => update((params) => params.delete("signal"));
  const appliedFilters: IndexFiltersProps["appliedFilters"] = [
    ...FILTER_KEYS.filter((key) => text[key].trim() !== "").map((key) => ({
      key,
      label: describe[key](text[key].trim()) + (errorFor(key) ? " (not applied)" : ""),
      onRemove: () => clearText([key]),
    })),
    ...(signal ? [{ key: "signal", label: SIGNAL_LABELS[signal], onRemove: clearSignal }] : []),
  ];

  const tabs: TabProps[] = useMemo(
    () =>
      TABS.map((tab, index) => ({
        id: `status-${tab.id}`,
        content: tab.content,
        isLocked: index === 0,
        onAction: () => {},
      })),
    []
  );
  const selectedTab = Math.max(
    0,
    TABS.findIndex((tab) => tab.id === (status ?? "all"))
  );

  return (
    <IndexFilters
      tabs={tabs}
      selected={selectedTab}
      onSelect={(index) =>
        update((params) => {
          const id = TABS[index]?.id ?? "all";
          if (id === "all") params.delete("status");
          else params.set("status", id);
        })
      }
      canCreateNewView={false}
      queryValue={text.q}
      queryPlaceholder="Search by name or email"
      onQueryChange={(value) => setText("q", value)}
      onQueryClear={() => clearText(["q"])}
      filters={filters}
      appliedFilters={appliedFilters}
      onClearAll={() => {
        clearText(FILTER_KEYS);
        if (signal) clearSignal();
      }}
      sortOptions={SORT_OPTIONS}
      sortSelected={[`${sort} ${direction}`]}
      onSort={([value]) =>
        update((params) => {
          const [nextSort, nextDirection] = (value ?? "").split(" ");
          params.set("sort", nextSort || "score");
          params.set("direction", nextDirection === "asc" ? "asc" : "desc");
        })
      }
      // Shopify admin's "Cancel" leaves the edited view as it was: no filters.
      cancelAction={{ onAction: () => clearText(TEXT_FILTERS) }}
      mode={mode}
      // Opening the filter bar renders its fields and pills (tens of ms): as a transition
      // the button's press is painted first and the bar follows (INP, issue 7).
      setMode={(next) => startTransition(() => setMode(next))}
      loading={loading}
      filteringAccessibilityLabel="Search and filter candidates"
    />
  );
}

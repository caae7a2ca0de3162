import { describe, expect, it } from "vitest";
import { compileSearchQuery, dateMatcher, numberMatcher, parseSearchQuery, tagMatcher, type SearchFilters } from "../search-query";

interface Row {
  id: number;
  tags: string[];
  updatedAt: number;
}

const filters: SearchFilters<Row> = {
  resource: "rows",
  fields: {
    id: numberMatcher((r) => r.id),
    tag: tagMatcher((r) => r.tags),
    updated_at: dateMatcher((r) => r.updatedAt),
  },
  text: () => false,
};

const rows: Row[] = [
  { id: 1, tags: ["vip"], updatedAt: Date.parse("2024-01-01T00:00:00Z") },
  { id: 2, tags: ["Wholesale", "vip"], updatedAt: Date.parse("2024-03-01T12:00:00Z") },
  { id: 3, tags: [], updatedAt: Date.parse("2024-06-01T00:00:00Z") },
];
const ids = (query: string) => rows.filter(compileSearchQuery(query, filters)).map((r) => r.id);

describe("Shopify search syntax", () => {
  it("parses comparators and quoted values", () => {
    expect(parseSearchQuery(`updated_at:>'2024-01-01T00:00:00Z'`)).toEqual({
      kind: "term",
      field: "updated_at",
      comparator: ">",
      value: "2024-01-01T00:00:00Z",
    });
  });

  it.each([
    [`updated_at:>'2024-01-01T00:00:00Z'`, [2, 3]],
    [`updated_at:>=2024-03-01`, [2, 3]],
    [`updated_at:2024-03-01`, [2]],
    [`tag:VIP`, [1, 2]],
    [`tag:vip -tag:wholesale`, [1]],
    [`tag:vip AND NOT tag:wholesale`, [1]],
    [`id:1 OR id:3`, [1, 3]],
    [`(id:1 OR id:2) tag:wholesale`, [2]],
    [`id:>1`, [2, 3]],
    [``, [1, 2, 3]],
  ])("%s", (query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it("fails loudly on a filter the local shop does not implement", () => {
    expect(() => ids("country:Canada")).toThrow('local shop: rows query filter "country" is not implemented');
  });
});

import { describe, expect, it } from "vitest";
import {
  parseBulkJsonl,
  parseBulkJsonlInWorker,
  type ParsedBatch,
  type ToWorker,
} from "../bulk-jsonl-parser.server";
import { orderSnapshotFromAdminApi, type AdminOrderNode } from "../snapshots";
import { storedTimestamp } from "../../../utils/stored-timestamp";
import { bulkOrderNode, chunkedStream, lineItemLine, toJsonl } from "#/factories/orders";

const SHOP = "parser-shop.myshopify.com";

/** Rows of COPY's text format: fields unescaped, `\N` as null. */
function copyRows(bytes: Uint8Array): (string | null)[][] {
  const escapes: Record<string, string> = { t: "\t", n: "\n", r: "\r", "\\": "\\" };
  return Buffer.from(bytes)
    .toString()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("\t").map((field) => (field === "\\N" ? null : field.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c))));
}

/** Runs the worker's body on this thread over `text`, collecting what it posts. */
function parseHere(text: string, options = { shop: SHOP, startAtLine: 0, batchSize: 1000, batchesAhead: 1000 }) {
  const posted: unknown[] = [];
  let listener: (message: ToWorker) => void = () => {};
  const port = {
    on: (_event: "message", l: typeof listener) => void (listener = l),
    postMessage: (message: unknown) => void posted.push(message),
  };
  parseBulkJsonl(port, options, { openSync: () => 0, readSync: () => 0, closeSync: () => {} });
  listener({ type: "chunk", bytes: Buffer.from(text) });
  listener({ type: "end" });
  const batches = posted.filter((m): m is ParsedBatch => (m as ParsedBatch).type === "batch");
  const error = posted.find((m) => (m as { type: string }).type === "error") as { message: string } | undefined;
  return {
    rows: batches.flatMap((b) => copyRows(b.orderRows)),
    profiles: batches.flatMap((b) => copyRows(b.profileRows)),
    error,
  };
}

/** The stored row the webhook/paginated path derives from the same node (ORDER_ROW_COLUMNS). */
function expectedRow(node: AdminOrderNode) {
  const snapshot = orderSnapshotFromAdminApi(node);
  return [
    SHOP,
    snapshot.orderId,
    snapshot.customerId,
    storedTimestamp(snapshot.processedAt),
    String(snapshot.totalCents),
    String(snapshot.refundedCents),
    snapshot.cancelledAt ? storedTimestamp(snapshot.cancelledAt) : null,
    snapshot.test ? "t" : "f",
    snapshot.discountCodes.join("\n"),
    storedTimestamp(snapshot.sourceUpdatedAt),
  ];
}

describe("the bulk JSONL parser (worker body)", () => {
  // Nodes where the worker's stored-form shortcuts could part from snapshots.ts.
  const nodes: AdminOrderNode[] = [
    bulkOrderNode({ id: 1, customerId: 7, processedAt: "2024-01-10T10:00:00Z", totalCents: 10_000, discountCodes: [" save10 ", "SAVE10", "", "vip"] }),
    { ...bulkOrderNode({ id: 2, customerId: null, processedAt: "2024-02-29T23:59:59Z", totalCents: 1 }), test: true },
    {
      ...bulkOrderNode({ id: 3, customerId: 8, processedAt: "2024-03-01T10:00:00.250+02:00", totalCents: 0 }),
      updatedAt: "2024-03-02T00:00:00-05:00",
      cancelledAt: "2024-03-02T00:00:00Z",
      totalPriceSet: { shopMoney: { amount: "1200.0", currencyCode: "JPY" } },
      totalRefundedSet: { shopMoney: { amount: "0.5" } },
    },
    {
      ...bulkOrderNode({ id: 4, customerId: 9, processedAt: "2024-04-01T10:00:00Z", totalCents: 0 }),
      totalPriceSet: { shopMoney: { amount: "12.3456", currencyCode: "KWD" } },
      totalRefundedSet: null,
    },
    {
      ...bulkOrderNode({ id: 5, customerId: 10, processedAt: "2024-05-01T10:00:00Z", totalCents: 0 }),
      id: "5",
      totalPriceSet: { shopMoney: { amount: "0.005", currencyCode: "USD" } },
    },
  ];

  it("builds the same stored rows as the snapshot path", () => {
    const { rows, error } = parseHere(toJsonl(nodes));
    expect(error).toBeUndefined();
    expect(rows).toEqual(nodes.map(expectedRow));
  });

  it("skips child lines, wherever __parentId sits, and only them", () => {
    const order = bulkOrderNode({ id: 11, customerId: 7, processedAt: "2024-01-10T10:00:00Z", totalCents: 500 });
    const noted = { ...bulkOrderNode({ id: 12, customerId: 7, processedAt: "2024-01-11T10:00:00Z", totalCents: 600 }), note: '"__parentId":"gid://shopify/Order/1"' };
    const text = [
      JSON.stringify(order),
      JSON.stringify(lineItemLine(11, 1)),
      JSON.stringify({ __parentId: "gid://shopify/Order/11", id: "gid://shopify/LineItem/2" }),
      JSON.stringify(lineItemLine(11, 3)).replace('":"gid', '": "gid'),
      "",
      JSON.stringify(noted),
    ].join("\r\n");
    const { rows, error } = parseHere(text);
    expect(error).toBeUndefined();
    expect(rows.map((r) => r[1])).toEqual(["11", "12"]);
  });

  it("writes a customer's profile once unless it changes", () => {
    const at = (id: number, updatedAt: string) =>
      bulkOrderNode({ id, customerId: 7, processedAt: "2024-01-10T10:00:00Z", totalCents: 500, customerUpdatedAt: updatedAt });
    const { profiles } = parseHere(toJsonl([at(1, "2024-01-01T00:00:00Z"), at(2, "2024-01-01T00:00:00Z"), at(3, "2024-02-01T00:00:00Z")]));
    expect(profiles.map((p) => p[5])).toEqual(["2024-01-01T00:00:00.000+00:00", "2024-02-01T00:00:00.000+00:00"]);
  });

  it("escapes text for COPY and writes each profile with its order's line", () => {
    const node = bulkOrderNode({
      id: 21, customerId: 7, processedAt: "2024-01-10T10:00:00Z", totalCents: 500,
      customerName: "Tab\there \\ back\nslash\u0000", customerTags: ["a\tb", "c"], discountCodes: ["one", "two"],
    });
    const { rows, profiles, error } = parseHere(toJsonl([lineItemLine(20, 1), node]));
    expect(error).toBeUndefined();
    expect(rows).toEqual([expectedRow(node)]);
    expect(rows[0][8]).toBe("ONE\nTWO");
    expect(profiles).toEqual([[SHOP, "7", "Tab\there \\ back\nslash", "customer7@example.com", "a\tb, c", "2024-01-01T00:00:00.000+00:00", "2", "f", "f"]]);
  });

  it("stages marketing consent: subscribed, not, or unknown when the line does not say", () => {
    const subscribed = bulkOrderNode({
      id: 22, customerId: 8, processedAt: "2024-01-10T10:00:00Z", totalCents: 500,
      emailMarketingState: "SUBSCRIBED", smsMarketingState: "SUBSCRIBED",
    });
    const unsubscribed = bulkOrderNode({
      id: 23, customerId: 9, processedAt: "2024-01-10T10:00:00Z", totalCents: 500,
      emailMarketingState: "UNSUBSCRIBED", smsMarketingState: "PENDING",
    });
    const older = bulkOrderNode({ id: 24, customerId: 10, processedAt: "2024-01-10T10:00:00Z", totalCents: 500 });
    const { customer } = older;
    const unknown = { ...older, customer: { id: customer!.id, displayName: customer!.displayName, tags: [], updatedAt: customer!.updatedAt } };
    const { profiles } = parseHere(toJsonl([subscribed, unsubscribed, unknown]));
    expect(profiles.map((p) => [p[1], p[7], p[8]])).toEqual([["8", "t", "t"], ["9", "f", "f"], ["10", null, null]]);
  });

  it("names the line of a malformed order", () => {
    const { error } = parseHere(toJsonl(nodes).replace('"id":"gid://shopify/Order/3"', '"id":"gid://shopify/Order/x3"'));
    expect(error?.message).toMatch(/^Bulk JSONL line 3: Not a Shopify Order id/);
  });

  it("takes ids of the right type only, digits to the end", () => {
    const withId = (id: string) => parseHere(toJsonl([{ ...nodes[0], id }]));
    expect(withId("gid://shopify/Order/123").rows[0][1]).toBe("123");
    expect(withId("123").rows[0][1]).toBe("123");
    for (const id of ["gid://shopify/Product/123", "gid://shopify/OrderX/123", "gid://shopify/Order/", "gid://shopify/Order/1/2", "gid://other/Order/123", "gid://shopify/Orde/1"]) {
      expect(withId(id).error?.message, id).toMatch(/Not a Shopify Order id/);
    }
  });

  it("runs on a worker thread over a stream, in batches, counting every line", async () => {
    const lines = nodes.flatMap((node, i) => [node, lineItemLine(i + 1, 100 + i)]);
    const batches = parseBulkJsonlInWorker(chunkedStream(toJsonl(lines), 7), { shop: SHOP, startAtLine: 2, batchSize: 2, batchesAhead: 1 });
    const seen: (string | null)[][] = [];
    let result = await batches.next();
    while (!result.done) {
      seen.push(copyRows(result.value.orderRows).map((r) => r[1]));
      result = await batches.next();
    }
    expect(seen).toEqual([["2", "3"], ["4", "5"], []]);
    expect(result.value).toBe(lines.length);
  });

  it("reads a file of many chunks itself, lines across chunk ends included, as it parses a stream", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    // ~1.5 MB: several of the worker's 256 KB reads, with lines cut at their ends.
    const lines = Array.from({ length: 3000 }, (_, i) => [
      bulkOrderNode({ id: i + 1, customerId: 1 + (i % 700), processedAt: "2024-01-10T10:00:00Z", totalCents: 100 + i, customerTags: i % 3 ? [] : ["vip", "x".repeat(i % 200)] }),
      lineItemLine(i + 1, 10_000 + i),
    ]).flat();
    const text = toJsonl(lines);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parser-")), "orders.jsonl");
    fs.writeFileSync(file, text);

    const rows: unknown[] = [];
    const profiles: unknown[] = [];
    const batches = parseBulkJsonlInWorker(file, { shop: SHOP, startAtLine: 0, batchSize: 250, batchesAhead: 3 });
    let result = await batches.next();
    while (!result.done) {
      rows.push(...copyRows(result.value.orderRows));
      profiles.push(...copyRows(result.value.profileRows));
      result = await batches.next();
    }
    expect(result.value).toBe(lines.length);
    const here = parseHere(text);
    expect(rows).toEqual(here.rows);
    expect(profiles).toEqual(here.profiles);
  });
});

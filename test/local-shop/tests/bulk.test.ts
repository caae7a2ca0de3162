import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalShop } from "../index";
import { gql, NOW, startShop, waitFor } from "./helpers";

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const CURRENT = `{ currentBulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl completedAt } }`;

const ORDERS_WITH_LINE_ITEMS = `{
  orders(query: "created_at:>=2024-01-01") {
    edges { node { id name createdAt customer { id } totalPriceSet { shopMoney { amount } }
      lineItems { edges { node { id name quantity } } } } }
  }
}`;

describe("bulk operations", () => {
  let shop: LocalShop;
  let webhookServer: http.Server;
  const webhooks: { topic: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    webhookServer = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        webhooks.push({ topic: String(request.headers["x-shopify-topic"]), body: JSON.parse(body) });
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, "127.0.0.1", resolve));
    shop = await startShop({
      now: () => NOW,
      seed: { customers: 60, orders: 150, seed: 9, now: NOW },
      bulkChunkSize: 20,
      bulkChunkDelayMs: 15,
      appUrl: `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}`,
      webhookSubscriptions: { "bulk_operations/finish": "/webhooks/bulk" },
    });
  });
  afterAll(async () => {
    await shop.close();
    await new Promise((resolve) => webhookServer.close(resolve));
  });

  it("runs a nested orders query in the background and serves Shopify's JSONL", async () => {
    const started = await gql(shop, RUN, { q: ORDERS_WITH_LINE_ITEMS });
    expect(started.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(started.data.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
    expect(started.extensions?.cost.requestedQueryCost).toBe(10 + 1 + 1 + 1);

    const statuses = new Set<string>();
    const counts: number[] = [];
    const done = await waitFor(async () => {
      const op = (await gql(shop, CURRENT)).data.currentBulkOperation;
      statuses.add(op.status);
      counts.push(Number(op.objectCount));
      return op.status === "COMPLETED" || op.status === "FAILED" ? op : undefined;
    });
    expect(done.status).toBe("COMPLETED");
    expect(done.id).toBe(started.data.bulkOperationRunQuery.bulkOperation.id);
    expect(statuses).toContain("RUNNING");
    expect(new Set(counts).size).toBeGreaterThan(2); // objectCount grows while it runs
    expect(done.errorCode).toBeNull();
    expect(done.partialDataUrl).toBeNull();

    const response = await fetch(done.url);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    expect(String(Buffer.byteLength(text))).toBe(done.fileSize);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(String(lines.length)).toBe(done.objectCount);

    const orders = shop.store.orders.filter((o) => o.createdAt >= Date.parse("2024-01-01"));
    const roots = lines.filter((l) => !("__parentId" in l));
    const children = lines.filter((l) => "__parentId" in l);
    expect(roots).toHaveLength(orders.length);
    expect(done.rootObjectCount).toBe(String(orders.length));
    expect(children).toHaveLength(orders.reduce((sum, o) => sum + o.lineItems.length, 0));

    const seenParents = new Set<unknown>();
    for (const line of lines) {
      if ("__parentId" in line) {
        expect(seenParents.has(line.__parentId)).toBe(true);
        expect(String(line.id)).toMatch(/^gid:\/\/shopify\/LineItem\//);
      } else {
        expect(line).not.toHaveProperty("lineItems");
        seenParents.add(line.id);
      }
    }
    const first = orders[0];
    expect(roots.find((r) => r.id === `gid://shopify/Order/${first.id}`)).toEqual({
      id: `gid://shopify/Order/${first.id}`,
      name: first.name,
      createdAt: new Date(first.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      customer: first.customerId === null ? null : { id: `gid://shopify/Customer/${first.customerId}` },
      totalPriceSet: { shopMoney: { amount: expect.stringMatching(/^\d+\.\d+$/) } },
    });

    await waitFor(async () => (webhooks.length ? true : undefined));
    expect(webhooks[0]).toEqual({
      topic: "bulk_operations/finish",
      body: {
        admin_graphql_api_id: done.id,
        completed_at: expect.any(String),
        created_at: expect.any(String),
        error_code: null,
        status: "completed",
        type: "query",
      },
    });
  });

  it("answers bulkOperation(id) and node(id)", async () => {
    const id = shop.store.bulkOperations.values().next().value!.id;
    const body = await gql(shop, `query($id: ID!) { bulkOperation(id: $id) { status } node(id: $id) { ... on BulkOperation { status } } }`, {
      id: `gid://shopify/BulkOperation/${id}`,
    });
    expect(body.data).toEqual({ bulkOperation: { status: "COMPLETED" }, node: { status: "COMPLETED" } });
  });

  it.each([
    ["no connection", `{ shop { name } }`, "Bulk queries must contain at least one connection."],
    [
      "connections nested three deep",
      `{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }`,
      "Bulk queries cannot contain connections with a nesting depth greater than 2.",
    ],
    [
      "a nested connection under a node without id",
      `{ orders { edges { node { name lineItems { edges { node { id } } } } } } }`,
      "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection field: 'lineItems'.",
    ],
    ["an invalid field", `{ orders { edges { node { id zzqx } } } }`, 'Invalid bulk query: Cannot query field "zzqx" on type "Order".'],
  ])("rejects %s with userErrors", async (_name, query, message) => {
    const body = await gql(shop, RUN, { q: query });
    expect(body.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [{ field: ["query"], message, code: "INVALID" }],
    });
  });

  it("fails (not silently) when the query needs something the local shop lacks", async () => {
    const started = await gql(shop, RUN, { q: `{ customers { edges { node { id statistics { predictedSpendTier } } } } }` });
    const id = started.data.bulkOperationRunQuery.bulkOperation.id;
    await shop.waitForBulkOperations();
    const op = shop.store.bulkOperations.get(Number(id.split("/").pop()))!;
    expect(op.status).toBe("FAILED");
    expect(op.errorCode).toBe("INTERNAL_SERVER_ERROR");
    expect(op.failureMessages).toContain("local shop: Customer.statistics is not implemented");
  });

  it("can be cancelled", async () => {
    const started = await gql(shop, RUN, { q: `{ customers { edges { node { id email } } } }` });
    const id = started.data.bulkOperationRunQuery.bulkOperation.id;
    const cancelled = await gql(shop, `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`, { id });
    expect(cancelled.data.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    await shop.waitForBulkOperations();
    expect((await gql(shop, CURRENT)).data.currentBulkOperation.status).toBe("CANCELED");
  });
});

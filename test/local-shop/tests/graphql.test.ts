import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../../app/api-version";
import type { LocalShop } from "../index";
import { gql, NOW, startShop } from "./helpers";

const CustomersPage = `
  query CustomersPage($after: String) {
    shop { name myshopifyDomain currencyCode ianaTimezone plan { publicDisplayName } }
    customers(first: 7, after: $after, sortKey: CREATED_AT) {
      edges { cursor node { id legacyResourceId displayName email numberOfOrders amountSpent { amount currencyCode } tags } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    customersCount { count precision }
  }
`;

describe("the local shop's Admin GraphQL API", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    shop = await startShop({ now: () => NOW, seed: { customers: 30, orders: 80, seed: 5, now: NOW } });
  });
  afterAll(() => shop.close());

  it("answers a typical app query with seeded data, page by page, with cost", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const body = await gql(shop, CustomersPage, { after });
      expect(body.errors).toBeUndefined();
      expect(body.data.shop).toEqual({
        name: "Demo Shop",
        myshopifyDomain: "demo-shop.myshopify.com",
        currencyCode: "USD",
        ianaTimezone: "America/New_York",
        plan: { publicDisplayName: "Basic" },
      });
      expect(body.data.customersCount).toEqual({ count: 30, precision: "EXACT" });
      const { edges, pageInfo } = body.data.customers;
      expect(pageInfo.hasPreviousPage).toBe(pages > 0);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      seen.push(...edges.map((e: { node: { id: string } }) => e.node.id));
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      pages++;
      // shop 2 + customers (2 + 7 × node 2) + count 1
      expect(body.extensions?.cost.requestedQueryCost).toBe(2 + 2 + 7 * 2 + 1);
      expect(body.extensions?.cost.actualQueryCost).toBe(body.extensions?.cost.requestedQueryCost);
      expect(body.extensions?.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    } while (after);
    expect(pages).toBe(5);
    const byCreation = [...shop.store.customers].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    expect(seen).toEqual(byCreation.map((c) => `gid://shopify/Customer/${c.id}`));
  });

  it("formats customers like Shopify (UnsignedInt64 as string, Decimal money)", async () => {
    const customer = shop.store.customers.find((c) => c.orderIds.length >= 2)!;
    const body = await gql(shop, `query($id: ID!) { customer(id: $id) { numberOfOrders amountSpent { amount } lastOrder { id } } }`, {
      id: `gid://shopify/Customer/${customer.id}`,
    });
    expect(body.data.customer.numberOfOrders).toBe(String(customer.orderIds.length));
    expect(body.data.customer.amountSpent.amount).toMatch(/^\d+\.\d{1,2}$/);
    expect(body.data.customer.lastOrder.id).toBe(`gid://shopify/Order/${customer.orderIds[customer.orderIds.length - 1]}`);
  });

  it("filters with Shopify's search syntax", async () => {
    const repeat = shop.store.customers.filter((c) => c.orderIds.length > 1).length;
    const body = await gql(shop, `{ customersCount(query: "orders_count:>1") { count } vip: customers(first: 50, query: "tag:vip") { nodes { tags } } }`);
    expect(body.data.customersCount.count).toBe(repeat);
    for (const node of body.data.vip.nodes) expect(node.tags).toContain("vip");

    const cutoff = "2025-01-01T00:00:00Z";
    const orders = await gql(shop, `query($q: String) { ordersCount(query: $q, limit: null) { count precision } }`, {
      q: `created_at:>='${cutoff}'`,
    });
    expect(orders.data.ordersCount).toEqual({
      count: shop.store.orders.filter((o) => o.createdAt >= Date.parse(cutoff)).length,
      precision: "EXACT",
    });
  });

  it("rejects an invalid field with a validation error and no data", async () => {
    const body = await gql(shop, `{ shop { name nonsense } }`);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "nonsense" on type "Shop".',
      extensions: { code: "undefinedField" },
    });
    expect(body.extensions?.cost).toBeDefined();
  });

  it("fails loudly on a root field it does not implement, instead of answering null", async () => {
    const body = await gql(shop, `{ shop { name } app { id } }`);
    expect(body.errors?.[0].message).toBe("local shop: QueryRoot.app is not implemented");
    expect(body.errors?.[0].path).toEqual(["app"]);
    expect(body.data.shop.name).toBe("Demo Shop");
    expect(shop.store.stats.unimplemented).toContain("QueryRoot.app");
  });

  it("fails loudly on an object field it does not implement", async () => {
    const body = await gql(shop, `{ customers(first: 1) { nodes { id statistics { predictedSpendTier } } } }`);
    expect(body.errors?.[0].message).toBe("local shop: Customer.statistics is not implemented");
    expect(body.data).toBeNull();
  });

  it("needs first or last on connections, as Shopify does", async () => {
    const body = await gql(shop, `{ customers { nodes { id } } }`);
    expect(body.errors?.[0].message).toBe("you must provide one of first or last");
  });

  it("resolves node and nodes by global id", async () => {
    const order = shop.store.orders[3];
    const customer = shop.store.customers[0];
    const body = await gql(shop, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Order { name } } }`, {
      ids: [`gid://shopify/Order/${order.id}`, `gid://shopify/Customer/${customer.id}`, "gid://shopify/Customer/1"],
    });
    expect(body.data.nodes).toEqual([
      { __typename: "Order", id: `gid://shopify/Order/${order.id}`, name: order.name },
      { __typename: "Customer", id: `gid://shopify/Customer/${customer.id}` },
      null,
    ]);
  });

  it("requires an access token the shop issued", async () => {
    const response = await fetch(shop.graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_forged" },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
  });

  it(`only serves API version ${ADMIN_API_VERSION}`, async () => {
    const response = await fetch(`${shop.url}/admin/api/2024-01/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": shop.issueAccessToken() },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(response.status).toBe(404);
  });

  it("adds and removes tags and sets metafields", async () => {
    const customer = shop.store.customers[1];
    const id = `gid://shopify/Customer/${customer.id}`;
    const added = await gql(shop, `mutation($id: ID!) { tagsAdd(id: $id, tags: ["ambassador", "Ambassador", "vip"]) { node { id } userErrors { field message } } }`, { id });
    expect(added.data.tagsAdd.userErrors).toEqual([]);
    expect(customer.tags).toEqual(expect.arrayContaining(["ambassador", "vip"]));
    expect(customer.tags.filter((t) => t.toLowerCase() === "ambassador")).toHaveLength(1);
    await gql(shop, `mutation($id: ID!) { tagsRemove(id: $id, tags: ["ambassador"]) { userErrors { message } } }`, { id });
    expect(customer.tags).not.toContain("ambassador");

    const set = await gql(
      shop,
      `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value jsonValue } userErrors { field message code } } }`,
      { m: [{ ownerId: id, namespace: "ambassadors", key: "referrals", type: "number_integer", value: "3" }] },
    );
    expect(set.data.metafieldsSet).toEqual({ metafields: [{ key: "referrals", value: "3", jsonValue: 3 }], userErrors: [] });
    const read = await gql(shop, `query($id: ID!) { customer(id: $id) { metafield(namespace: "ambassadors", key: "referrals") { value type } } }`, { id });
    expect(read.data.customer.metafield).toEqual({ value: "3", type: "number_integer" });

    const invalid = await gql(
      shop,
      `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id } userErrors { field code } } }`,
      { m: [{ ownerId: id, namespace: "ambassadors", key: "since", value: "x" }] },
    );
    expect(invalid.data.metafieldsSet.userErrors).toEqual([{ field: ["metafields", "0", "type"], code: "BLANK" }]);

    const deleted = await gql(
      shop,
      `mutation($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) { deletedMetafields { key namespace } userErrors { message } } }`,
      { m: [{ ownerId: id, namespace: "ambassadors", key: "referrals" }, { ownerId: id, namespace: "ambassadors", key: "never-set" }] },
    );
    expect(deleted.data.metafieldsDelete).toEqual({
      deletedMetafields: [{ key: "referrals", namespace: "ambassadors" }, null],
      userErrors: [],
    });
    const gone = await gql(shop, `query($id: ID!) { customer(id: $id) { metafield(namespace: "ambassadors", key: "referrals") { value } } }`, { id });
    expect(gone.data.customer.metafield).toBeNull();
  });

  it("records Flow triggers", async () => {
    const body = await gql(shop, `mutation { flowTriggerReceive(handle: "ambassador-joined", payload: {customer_id: 1}) { userErrors { message } } }`);
    expect(body.data.flowTriggerReceive.userErrors).toEqual([]);
    expect(shop.store.flowTriggers.at(-1)).toMatchObject({ handle: "ambassador-joined", payload: { customer_id: 1 } });
  });
});

describe("store credit", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    shop = await startShop({
      now: () => NOW,
      grantedScopes: ["read_customers", "read_store_credit_accounts", "write_store_credit_account_transactions"],
      seed: { customers: 3, orders: 0, seed: 1, now: NOW },
    });
  });
  afterAll(() => shop.close());

  const CREDIT = `mutation($id: ID!, $amount: Decimal!) {
    storeCreditAccountCredit(id: $id, creditInput: { creditAmount: { amount: $amount, currencyCode: USD } }) {
      storeCreditAccountTransaction { amount { amount } balanceAfterTransaction { amount } account { id balance { amount currencyCode } } }
      userErrors { field message code }
    }
  }`;

  it("opens an account on first credit, then credits and debits it", async () => {
    const customer = shop.store.customers[0];
    const id = `gid://shopify/Customer/${customer.id}`;
    const first = await gql(shop, CREDIT, { id, amount: "10.00" });
    expect(first.data.storeCreditAccountCredit.userErrors).toEqual([]);
    const account = first.data.storeCreditAccountCredit.storeCreditAccountTransaction.account;
    expect(account.balance).toEqual({ amount: "10.0", currencyCode: "USD" });
    await gql(shop, CREDIT, { id: account.id, amount: "5.5" });
    const debit = await gql(shop, `mutation($id: ID!) { storeCreditAccountDebit(id: $id, debitInput: { debitAmount: { amount: "20", currencyCode: USD } }) { userErrors { code } } }`, { id });
    expect(debit.data.storeCreditAccountDebit.userErrors).toEqual([{ code: "INSUFFICIENT_FUNDS" }]);
    const read = await gql(shop, `query($id: ID!) { customer(id: $id) { storeCreditAccounts(first: 5) { nodes { balance { amount } } } } }`, { id });
    expect(read.data.customer.storeCreditAccounts.nodes).toEqual([{ balance: { amount: "15.5" } }]);
    const zero = await gql(shop, CREDIT, { id, amount: "0" });
    expect(zero.data.storeCreditAccountCredit.userErrors[0].code).toBe("NEGATIVE_OR_ZERO_AMOUNT");
  });
});

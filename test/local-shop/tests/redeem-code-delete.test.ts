import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalShop } from "../index";
import { gql, startShop, waitFor } from "./helpers";

const CREATE = `mutation($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) { codeDiscountNode { id } userErrors { field message code } }
}`;

const BULK_ADD = `mutation($id: ID!, $codes: [DiscountRedeemCodeInput!]!) {
  discountRedeemCodeBulkAdd(discountId: $id, codes: $codes) { bulkCreation { id } userErrors { field message code } }
}`;

const DELETE_IDS = `mutation DeleteCodes($id: ID!, $ids: [ID!]) {
  discountCodeRedeemCodeBulkDelete(discountId: $id, ids: $ids) { job { id done } userErrors { field message code extraInfo } }
}`;

const DELETE_SEARCH = `mutation($id: ID!, $search: String) {
  discountCodeRedeemCodeBulkDelete(discountId: $id, search: $search) { job { id done } userErrors { field message code } }
}`;

const CODES = `query($id: ID!) { codeDiscountNode(id: $id) { codeDiscount { ... on DiscountCodeBasic {
  codes(first: 50, sortKey: CODE) { nodes { id code } } codesCount { count }
} } } }`;

const JOB = `query($id: ID!) { job(id: $id) { id done query { shop { name } } } }`;

const input = (title: string, code: string) => ({
  title,
  code,
  startsAt: "2025-01-01T00:00:00Z",
  customerGets: { value: { percentage: 0.1 }, items: { all: true } },
});

describe("discountCodeRedeemCodeBulkDelete and job(id)", () => {
  let shop: LocalShop;
  let discountId: string;

  async function codes(id = discountId): Promise<{ codes: string[]; count: number; ids: Record<string, string> }> {
    const body = await gql(shop, CODES, { id });
    const discount = body.data.codeDiscountNode.codeDiscount;
    const nodes = discount.codes.nodes as { id: string; code: string }[];
    return { codes: nodes.map((n) => n.code), count: discount.codesCount.count, ids: Object.fromEntries(nodes.map((n) => [n.code, n.id])) };
  }

  async function addCodes(id: string, list: string[]) {
    const body = await gql(shop, BULK_ADD, { id, codes: list.map((code) => ({ code })) });
    expect(body.data.discountRedeemCodeBulkAdd.userErrors).toEqual([]);
    const creationId = body.data.discountRedeemCodeBulkAdd.bulkCreation.id;
    // Poll cheaply (the bucket is the real one), then read the results once.
    await waitFor(async () => {
      const poll = await gql(shop, `query($id: ID!) { discountRedeemCodeBulkCreation(id: $id) { done } }`, { id: creationId });
      return poll.data.discountRedeemCodeBulkCreation.done ? true : undefined;
    });
    const result = await gql(shop, `query($id: ID!) { discountRedeemCodeBulkCreation(id: $id) { failedCount codes(first: 10) { nodes { errors { code } } } } }`, { id: creationId });
    return result.data.discountRedeemCodeBulkCreation;
  }

  async function finished(jobId: string) {
    return waitFor(async () => {
      const job = (await gql(shop, JOB, { id: jobId })).data.job;
      return job.done ? job : undefined;
    });
  }

  beforeAll(async () => {
    // Long enough that the checks made while a job runs (two round trips) see it running
    // even on a loaded machine; 30 ms flaked in CI.
    shop = await startShop({ redeemCodeBulkDelayMs: 400 });
    const created = await gql(shop, CREATE, { input: input("Friends", "ANNA10") });
    discountId = created.data.discountCodeBasicCreate.codeDiscountNode.id;
    await addCodes(discountId, ["FRIEND-1", "FRIEND-2", "FRIEND-3", "FRIEND-30", "FRIEND-4"]);
  });
  afterAll(() => shop.close());

  it("codeDiscountNode shows codes added by a bulk creation", async () => {
    expect(await codes()).toMatchObject({
      codes: ["ANNA10", "FRIEND-1", "FRIEND-2", "FRIEND-3", "FRIEND-30", "FRIEND-4"],
      count: 6,
    });
  });

  it("deletes codes by id in a job that finishes shortly after", async () => {
    const before = await codes();
    const started = await gql(shop, DELETE_IDS, { id: discountId, ids: [before.ids["FRIEND-1"], before.ids["FRIEND-2"]] });
    const { job, userErrors } = started.data.discountCodeRedeemCodeBulkDelete;
    expect(userErrors).toEqual([]);
    expect(job).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Job\/[0-9a-f-]{36}$/), done: false });

    // Not done yet: the codes are still there and the job's query does not resolve.
    expect((await gql(shop, JOB, { id: job.id })).data.job).toEqual({ id: job.id, done: false, query: null });
    expect((await codes()).count).toBe(6);

    expect(await finished(job.id)).toEqual({ id: job.id, done: true, query: { shop: { name: "Demo Shop" } } });
    expect(await codes()).toMatchObject({ codes: ["ANNA10", "FRIEND-3", "FRIEND-30", "FRIEND-4"], count: 4 });
    const lookup = await gql(shop, `{ gone: codeDiscountNodeByCode(code: "friend-1") { id } kept: codeDiscountNodeByCode(code: "friend-4") { id } }`);
    expect(lookup.data).toEqual({ gone: null, kept: { id: discountId } });
  });

  it("deletes by search code:X, exactly and case-insensitively", async () => {
    const started = await gql(shop, DELETE_SEARCH, { id: discountId, search: "code:friend-3" });
    expect(started.data.discountCodeRedeemCodeBulkDelete.userErrors).toEqual([]);
    await finished(started.data.discountCodeRedeemCodeBulkDelete.job.id);
    expect((await codes()).codes).toEqual(["ANNA10", "FRIEND-30", "FRIEND-4"]);
  });

  it("frees deleted codes: the same code can be added again, here or on another discount", async () => {
    const readded = await addCodes(discountId, ["friend-1"]);
    expect(readded.failedCount).toBe(0);
    const other = await gql(shop, CREATE, { input: input("Other", "FRIEND-2") });
    expect(other.data.discountCodeBasicCreate.userErrors).toEqual([]);
    expect((await codes()).codes).toEqual(["ANNA10", "friend-1", "FRIEND-30", "FRIEND-4"]);
    const byCode = await gql(shop, `{ codeDiscountNodeByCode(code: "FRIEND-2") { id } }`);
    expect(byCode.data.codeDiscountNodeByCode.id).toBe(other.data.discountCodeBasicCreate.codeDiscountNode.id);
    // A code still in use stays taken.
    const taken = await addCodes(discountId, ["FRIEND-4"]);
    expect(taken.codes.nodes[0].errors).toEqual([{ code: "TAKEN" }]);
  });

  it("skips ids that are not codes of this discount", async () => {
    const kept = await codes();
    const started = await gql(shop, DELETE_IDS, { id: discountId, ids: ["gid://shopify/DiscountRedeemCode/1", "gid://shopify/Customer/1"] });
    expect(started.data.discountCodeRedeemCodeBulkDelete.userErrors).toEqual([]);
    await finished(started.data.discountCodeRedeemCodeBulkDelete.job.id);
    expect((await codes()).codes).toEqual(kept.codes);
  });

  it("answers Shopify's userErrors and starts no job", async () => {
    const errorsOf = async (query: string, variables: Record<string, unknown>) => {
      const body = await gql(shop, query, variables);
      expect(body.errors).toBeUndefined();
      expect(body.data.discountCodeRedeemCodeBulkDelete.job).toBeNull();
      return body.data.discountCodeRedeemCodeBulkDelete.userErrors;
    };
    const jobsBefore = shop.store.jobs.size;
    expect(await errorsOf(DELETE_IDS, { id: "gid://shopify/DiscountCodeNode/1", ids: ["gid://shopify/DiscountRedeemCode/1"] })).toEqual([
      { field: ["discountId"], message: "Code discount does not exist.", code: "INVALID", extraInfo: null },
    ]);
    expect(await errorsOf(`mutation($id: ID!) { discountCodeRedeemCodeBulkDelete(discountId: $id) { job { id } userErrors { field message code } } }`, { id: discountId })).toEqual([
      { field: null, message: "Missing expected argument key: 'ids', 'search' or 'saved_search_id'.", code: "MISSING_ARGUMENT" },
    ]);
    const both = `mutation($id: ID!, $ids: [ID!], $search: String) {
      discountCodeRedeemCodeBulkDelete(discountId: $id, ids: $ids, search: $search) { job { id } userErrors { field message code } } }`;
    const tooMany = [{ field: null, message: "Only one of 'ids', 'search' or 'saved_search_id' is allowed.", code: "TOO_MANY_ARGUMENTS" }];
    expect(await errorsOf(both, { id: discountId, ids: ["gid://shopify/DiscountRedeemCode/1"], search: "code:X" })).toEqual(tooMany);
    // Like Shopify, an explicit null variable counts as given.
    expect(await errorsOf(both, { id: discountId, ids: ["gid://shopify/DiscountRedeemCode/1"], search: null })).toEqual(tooMany);
    // …while a variable left out does not.
    expect(await errorsOf(both, { id: discountId, search: " " })).toEqual([
      { field: ["search"], message: "'Search' can't be blank.", code: "BLANK" },
    ]);
    expect(await errorsOf(DELETE_IDS, { id: discountId, ids: [] })).toEqual([
      { field: null, message: "Something went wrong, please try again.", code: null, extraInfo: null },
    ]);
    expect(
      await errorsOf(`mutation($id: ID!) { discountCodeRedeemCodeBulkDelete(discountId: $id, savedSearchId: "gid://shopify/SavedSearch/1") { job { id } userErrors { field message code } } }`, { id: discountId }),
    ).toEqual([{ field: ["savedSearchId"], message: "Invalid 'saved_search_id'.", code: "INVALID" }]);
    expect(shop.store.jobs.size).toBe(jobsBefore);
  });

  it("fails loudly for search filters it does not know and for more than 250 ids", async () => {
    const unknown = await gql(shop, DELETE_SEARCH, { id: discountId, search: "times_used:0" });
    expect(unknown.errors?.[0].message).toMatch(/discount codes query filter "times_used" is not implemented/);
    const many = Array.from({ length: 251 }, (_, i) => `gid://shopify/DiscountRedeemCode/${i + 1}`);
    const tooMany = await gql(shop, DELETE_IDS, { id: discountId, ids: many });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("job(id) is null for a job the shop never started", async () => {
    const body = await gql(shop, JOB, { id: "gid://shopify/Job/9c1d8ea2-0000-4000-8000-000000000000" });
    expect(body.data.job).toBeNull();
  });
});

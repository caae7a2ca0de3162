import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { calculateQueryCost, loadAdminSchema } from "../index";

const schema = loadAdminSchema();
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return calculateQueryCost(schema, document, getOperationAST(document)!, variables);
};

describe("query cost", () => {
  it.each([
    ["scalars on an object", `{ shop { name email } }`, 1],
    ["Shopify's documented example", `{ products(first: 10) { edges { node { title } } } }`, 12],
    ["nodes plus pageInfo", `{ customers(first: 5) { nodes { id } pageInfo { hasNextPage } } }`, 7],
    ["objects inside nodes", `{ customers(first: 5) { nodes { amountSpent { amount } } } }`, 2 + 5 * 2],
    ["nested connections multiply", `{ orders(first: 10) { nodes { lineItems(first: 5) { nodes { name } } } } }`, 2 + 10 * (1 + 2 + 5)],
    ["last instead of first", `{ customers(last: 3) { edges { cursor node { id } } } }`, 2 + 3],
    ["mutations cost 10 plus their selection", `mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["a"]) { userErrors { message } } }`, 10 + 1 + 1],
    ["fragment spreads count where used", `query { ...Both } fragment Both on QueryRoot { shop { name } a: shop { name } }`, 2],
  ])("%s", (_name, query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it("reads page sizes from variables", () => {
    expect(cost(`query($n: Int) { customers(first: $n) { nodes { id } } }`, { n: 40 })).toBe(42);
  });
});

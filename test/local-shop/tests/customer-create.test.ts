import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalShop } from "../index";
import { gql, startShop } from "./helpers";

const CREATE = `mutation CustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) {
    customer { id email phone firstName lastName displayName tags state note locale taxExempt numberOfOrders
      amountSpent { amount currencyCode } defaultEmailAddress { emailAddress marketingState } }
    userErrors { field message }
  }
}`;

describe("customerCreate", () => {
  let shop: LocalShop;
  const create = async (input: Record<string, unknown>) => (await gql(shop, CREATE, { input })).data.customerCreate;

  beforeAll(async () => {
    shop = await startShop();
    shop.store.addCustomer({ email: "taken@example.com", phone: "+16135550100", firstName: "Existing" });
  });
  afterAll(() => shop.close());

  it("creates a customer the API can find afterwards", async () => {
    const payload = await create({
      email: "ada@example.com",
      firstName: " Ada ",
      lastName: "Lovelace",
      tags: ["ambassador", "storefront-applicant, ambassador"],
      emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" },
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.customer).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Customer\/\d+$/),
      email: "ada@example.com",
      phone: null,
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
      tags: ["ambassador", "storefront-applicant"],
      state: "DISABLED",
      note: null,
      locale: "en",
      taxExempt: false,
      numberOfOrders: "0",
      amountSpent: { amount: "0.0", currencyCode: "USD" },
      defaultEmailAddress: { emailAddress: "ada@example.com", marketingState: "SUBSCRIBED" },
    });
    const found = await gql(shop, `{ customers(first: 1, query: "email:ADA@example.com") { nodes { id } } }`);
    expect(found.data.customers.nodes).toEqual([{ id: payload.customer.id }]);
  });

  it("refuses a taken email (case-insensitively) on the email field", async () => {
    expect(await create({ email: "Taken@Example.com", firstName: "Twin" })).toEqual({
      customer: null,
      userErrors: [{ field: ["email"], message: "Email has already been taken" }],
    });
  });

  it("refuses an invalid email and phone, and a taken phone", async () => {
    expect((await create({ email: "not-an-email" })).userErrors).toEqual([{ field: ["email"], message: "Email is invalid" }]);
    expect((await create({ firstName: "P", phone: "+1 (613) 555-0100" })).userErrors).toEqual([
      { field: ["phone"], message: "Phone has already been taken" },
    ]);
    expect((await create({ firstName: "P", phone: "+12" })).userErrors).toEqual([{ field: ["phone"], message: "Phone is invalid" }]);
    const created = await create({ phone: "+44 20 7946 0958" });
    expect(created.customer).toMatchObject({ phone: "+442079460958", displayName: "+442079460958" });
  });

  it("refuses a customer without name, email or phone (blank strings are absent)", async () => {
    const before = shop.store.customers.length;
    expect(await create({ email: " ", firstName: "", tags: ["x"] })).toEqual({
      customer: null,
      userErrors: [{ field: null, message: "Customer must have a name, phone number or email address" }],
    });
    expect(shop.store.customers.length).toBe(before);
  });

  it("refuses consent without an email and an id on creation", async () => {
    expect((await create({ firstName: "C", emailMarketingConsent: { marketingState: "SUBSCRIBED" } })).userErrors).toEqual([
      { field: ["emailMarketingConsent"], message: "An email address is required to set the email marketing consent state." },
    ]);
    expect((await create({ id: "gid://shopify/Customer/1", firstName: "C" })).userErrors).toEqual([
      { field: ["id"], message: "Cannot specify ID on creation" },
    ]);
  });

  it("fails loudly for input it does not model", async () => {
    const body = await gql(shop, CREATE, { input: { email: "m@example.com", metafields: [{ namespace: "a", key: "b", type: "single_line_text_field", value: "c" }] } });
    expect(body.errors?.[0].message).toBe("local shop: CustomerInput.metafields on customerCreate is not implemented");
    const national = await gql(shop, CREATE, { input: { phone: "613 555 0199" } });
    expect(national.errors?.[0].message).toBe("local shop: customerCreate phone without a +country code is not implemented");
    expect(shop.store.customers.some((c) => c.email === "m@example.com")).toBe(false);
  });

  it("needs write_customers", async () => {
    const readOnly = await startShop({ grantedScopes: ["read_customers"] });
    try {
      const body = await gql(readOnly, CREATE, { input: { email: "r@example.com" } });
      expect(body.errors?.[0].extensions?.code).toBe("ACCESS_DENIED");
      expect(readOnly.store.customers).toEqual([]);
    } finally {
      await readOnly.close();
    }
  });
});

import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ambassadorApprovedPayload, FLOW_TRIGGER_HANDLE } from "../CodeProvisioning.server";

const toml = parse(
  fs.readFileSync(path.resolve("extensions/ambassador-approved-trigger/shopify.extension.toml"), "utf8"),
) as {
  extensions: Array<{ type: string; handle: string; name: string }>;
  settings: { fields: Array<{ type: string; key?: string }> };
};

describe("the Ambassador approved Flow trigger", () => {
  it("is declared with the handle the app fires", () => {
    expect(toml.extensions).toEqual([
      expect.objectContaining({ type: "flow_trigger", handle: FLOW_TRIGGER_HANDLE, name: "Ambassador approved" }),
    ]);
    // Shopify's rules for handles: at most 30 characters, letters, digits and hyphens.
    expect(FLOW_TRIGGER_HANDLE).toMatch(/^[a-z0-9-]{1,30}$/);
  });

  it("sends exactly the fields the extension declares", () => {
    const payload = ambassadorApprovedPayload("7001", "JANE123", "https://shop.example/apps/ambassadors/r/JANE123");
    const declared = toml.settings.fields.map((field) =>
      field.type === "customer_reference" ? "customer_id" : (field.key as string),
    );
    expect(Object.keys(payload).sort()).toEqual(declared.sort());
    expect(payload.customer_id).toBe(7001);
  });
});

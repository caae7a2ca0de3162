import { describe, expect, it } from "vitest";
import { codeFormatError, codeNamePart, generateCode, normalizeCode } from "../code-format";
import { discountRedirectPath, shareLinkFor } from "../share-link";
import { describeUserErrors } from "../user-errors";

describe("ambassador codes", () => {
  it("start with the first name in A–Z, accents dropped, then the digits", () => {
    expect(generateCode("Zoë-Anne", 3, () => 0.5)).toBe("ZOEANNE555");
    expect(generateCode("José", 2, () => 0.1)).toBe("JOSE11");
    expect(generateCode("Bartholomew-Maximilian", 4, () => 0.9)).toBe("BARTHOLOMEWM9999");
  });

  it("use AMB when the name has no usable letters", () => {
    expect(codeNamePart("李")).toBe("AMB");
    expect(codeNamePart(null)).toBe("AMB");
    expect(codeNamePart("J")).toBe("AMB");
  });

  it("accept what a merchant types only in the same format", () => {
    expect(normalizeCode("  summer25 ")).toBe("SUMMER25");
    expect(codeFormatError("SUMMER25")).toBeNull();
    expect(codeFormatError("ABC")).toBe("Use at least 4 characters.");
    expect(codeFormatError("A".repeat(25))).toBe("Use at most 24 characters.");
    expect(codeFormatError("SUMMER-25")).toBe("Use only letters A–Z and digits 0–9, without spaces.");
    expect(codeFormatError("ÉTÉ2025")).toBe("Use only letters A–Z and digits 0–9, without spaces.");
  });
});

describe("share links", () => {
  it("live on the store's domain behind the app proxy", () => {
    expect(shareLinkFor("https://shop.example/", "x.myshopify.com", "JANE123")).toBe("https://shop.example/apps/ambassadors/r/JANE123");
    expect(shareLinkFor(null, "x.myshopify.com", "JANE123")).toBe("https://x.myshopify.com/apps/ambassadors/r/JANE123");
  });

  it("hand over to Shopify's discount route, landing only on this store", () => {
    expect(discountRedirectPath("JANE123", "/products/mug")).toBe("/discount/JANE123?redirect=%2Fproducts%2Fmug");
    expect(discountRedirectPath("JANE123", "//evil.example/x")).toBe("/discount/JANE123?redirect=%2F");
    expect(discountRedirectPath("JANE123", "https://evil.example")).toBe("/discount/JANE123?redirect=%2F");
    expect(discountRedirectPath("JANE123", null)).toBe("/discount/JANE123?redirect=%2F");
  });
});

describe("Shopify's userErrors in plain words", () => {
  it("name the field unless the message already does", () => {
    expect(
      describeUserErrors([
        { field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" },
        { field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at" },
        { field: null, message: "Something went wrong" },
      ]),
    ).toEqual([
      "Code must be unique. Please try a different code.",
      "End date: ends at needs to be after starts_at.",
      "Something went wrong.",
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { LocalShop } from "#/local-shop";
import { adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { clearTestShop, seedTestShop } from "../../app.candidates._index/tests/seed";
import { action, loader } from "../route";

async function upload(fields: Record<string, string>, file?: { name: string; text: string }) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  if (file) body.set("file", new File([file.text], file.name, { type: "text/csv" }));
  return action({ request: await adminRequest("/app/signals", { method: "POST", body }), params: {}, context: {} });
}

// A Judge.me export (docs/reviews-and-mentions.md): Ada (customer 7 of the seed) twice,
// someone who is not a customer, and a row without a rating.
const JUDGEME = [
  "product_handle,review_title,body,reviewer_name,reviewer_email,rating,review_date,reply,reply_date,featured,verified,hidden",
  "mug,Love it,Best mug,Ada,ada@example.com,5,2026-10-01,,,false,true,false",
  "tee,Nice,Soft,Ada,ada@example.com,4,2026-10-05,,,false,true,false",
  "mug,Great,Lovely,Zed,zed@example.com,5,2026-10-01,,,false,true,false",
  "mug,?,No stars,Cy,customer8@example.com,,2026-10-01,,,false,true,false",
].join("\n");

describe("Reviews and mentions page", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await seedTestShop();
    shop = await startTestShop();
  });
  afterAll(async () => {
    await shop?.close();
    await clearTestShop();
  });

  it("previews an upload (mapping, counts, row errors) without writing, then imports it once", async () => {
    const preview = await upload({ kind: "reviews", intent: "preview", format: "auto" }, { name: "judgeme.csv", text: JUDGEME });
    expect(preview).toMatchObject({
      ok: true,
      intent: "preview",
      fileName: "judgeme.csv",
      preview: { format: "judgeme", rows: 4, matched: 2, unmatched: 1, badRows: 1, toImport: 2, customers: 1 },
    });
    if (!preview.ok) return;
    expect(preview.preview.mapping.find((m) => m.field === "email")?.column).toBe("reviewer_email");
    expect(preview.preview.errors).toEqual([{ line: 5, message: "Rating is empty" }]);
    expect(await prisma.customerReview.count({ where: { shop: TEST_SHOP } })).toBe(0);

    const imported = await upload({ kind: "reviews", intent: "import", format: "judgeme" }, { name: "judgeme.csv", text: JUDGEME });
    expect(imported).toMatchObject({ ok: true, intent: "import", imported: 2 });
    expect((await loader({ request: await adminRequest("/app/signals"), params: {}, context: {} })).stored).toEqual({ reviews: 2, mentions: 0 });

    const again = await upload({ kind: "reviews", intent: "import", format: "judgeme" }, { name: "judgeme.csv", text: JUDGEME });
    expect(again).toMatchObject({ ok: true, imported: 0, preview: { alreadyImported: 2 } });
  });

  it("imports social mentions", async () => {
    const result = await upload(
      { kind: "mentions", intent: "import" },
      { name: "mentions.csv", text: "handle,email,mentions,date\nada_l,ada@example.com,4,2026-11-01\n" },
    );
    expect(result).toMatchObject({ ok: true, imported: 1, preview: { matched: 1 } });
  });

  it("says what is wrong with a file it cannot read, and writes nothing", async () => {
    const before = await prisma.customerReview.count({ where: { shop: TEST_SHOP } });
    expect(await upload({ kind: "reviews", intent: "preview" })).toEqual({ ok: false, kind: "reviews", error: "Choose a CSV file first." });
    expect(await upload({ kind: "reviews", intent: "import", format: "okendo" }, { name: "x.csv", text: "a,b\n1,2\n" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no column for Reviewer email \(email\)/),
    });
    const big = "email,rating,date\n" + "x".repeat(5 * 1024 * 1024);
    expect(await upload({ kind: "reviews", intent: "preview" }, { name: "big.csv", text: big })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/larger than 5 MB/),
    });
    expect(await upload({ kind: "other", intent: "preview" }, { name: "x.csv", text: "a\n" })).toEqual({ ok: false, error: "Unknown import." });
    expect(await prisma.customerReview.count({ where: { shop: TEST_SHOP } })).toBe(before);
  });
});

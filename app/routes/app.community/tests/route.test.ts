import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import { COMMUNITY_PAGE_SIZE } from "~/models/Community/Community.server";
import type { LocalShop } from "#/local-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { action, loader } from "../route";

const OTHER_SHOP = uniqueShop("community-other");
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);

const load = (search = "") => adminLoad(loader, `/app/community${search}`);
const act = (fields: Record<string, string>) => adminPost(action, "/app/community", fields);

async function ambassador(shop: string, firstName: string, lastName: string) {
  return prisma.ambassador.create({
    data: { shop, status: "active", source: "application", firstName, lastName, email: `${firstName}@example.com` },
  });
}

describe("Community page", () => {
  let shop: LocalShop;

  beforeAll(async () => {
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    shop = await startTestShop({ seed: { customers: 3, orders: 0, seed: 5 } });
    // A finished history sync: the first request's install hook starts none.
    const sync = await startHistorySync(TEST_SHOP, { method: "bulk" });
    await finishHistorySync(TEST_SHOP, sync.id);
  });

  afterAll(async () => {
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  beforeEach(async () => {
    const where = { shop: { in: [TEST_SHOP, OTHER_SHOP] } };
    await prisma.$transaction([
      prisma.programNews.deleteMany({ where }),
      prisma.ambassadorFeedback.deleteMany({ where }),
      prisma.contentSubmission.deleteMany({ where }),
      prisma.ambassador.deleteMany({ where }),
    ]);
  });

  it("starts empty", async () => {
    const data = await load();
    expect(data.news.items).toEqual([]);
    expect(data.feedback).toMatchObject({ items: [], unreadCount: 0, info: { totalCount: 0 } });
    expect(data.content.items).toEqual([]);
    expect(data.limits).toEqual({ title: 120, body: 2000 });
  });

  it("posts news the portal shows, newest first, and deletes it", async () => {
    const first = await act({ intent: "postNews", title: "Spring drop", body: "New colours are in." });
    expect(first).toMatchObject({ intent: "postNews", ok: true, message: expect.stringMatching(/Spring drop/) });
    const second = await act({ intent: "postNews", title: "Summer sale", body: "20% off." });
    const data = await load();
    expect(data.news.items.map((n) => n.title)).toEqual(["Summer sale", "Spring drop"]);
    expect(data.news.items[1]).toMatchObject({ body: "New colours are in." });
    expect(Date.now() - Date.parse(data.news.items[0].publishedAt)).toBeLessThan(10_000);

    if (second.intent !== "postNews" || !second.ok) throw new Error("not posted");
    expect(await act({ intent: "deleteNews", id: second.newsId })).toEqual({
      intent: "deleteNews",
      ok: true,
      message: "The news was deleted.",
    });
    expect((await load()).news.items.map((n) => n.title)).toEqual(["Spring drop"]);
    expect(await act({ intent: "deleteNews", id: second.newsId })).toMatchObject({ ok: false });
  });

  it("puts news errors on their fields, keeps what was typed and posts nothing", async () => {
    const blank = await act({ intent: "postNews", title: "  ", body: "" });
    expect(blank).toEqual({
      intent: "postNews",
      ok: false,
      message: expect.stringMatching(/not posted/),
      fieldErrors: { title: "Title is required.", body: "Message is required." },
      values: { title: "  ", body: "" },
    });
    const long = await act({ intent: "postNews", title: "T".repeat(121), body: "ok" });
    expect(long).toMatchObject({ ok: false, fieldErrors: { title: expect.stringMatching(/at most 120/) } });
    if (long.intent === "postNews" && !long.ok) expect(Object.keys(long.fieldErrors)).toEqual(["title"]);
    const longBody = await act({ intent: "postNews", title: "ok", body: "B".repeat(2001) });
    expect(longBody).toMatchObject({ ok: false, fieldErrors: { body: expect.stringMatching(/at most 2,000/) } });
    expect(await prisma.programNews.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });

  it("refuses unknown actions and missing ids, changing nothing", async () => {
    await prisma.programNews.create({ data: { shop: TEST_SHOP, title: "Keep", body: "me" } });
    const refused: Record<string, string>[] = [
      {},
      { intent: "dropTables" },
      { intent: "deleteNews" },
      { intent: "markRead", id: " " },
    ];
    for (const fields of refused) {
      expect(await act(fields), JSON.stringify(fields)).toMatchObject({ intent: null, ok: false });
    }
    expect(await prisma.programNews.count({ where: { shop: TEST_SHOP } })).toBe(1);
  });

  it("lists feedback newest first with who sent it; marks one, then all, as read", async () => {
    const ada = await ambassador(TEST_SHOP, "Ada", "Lovelace");
    const old = await prisma.ambassadorFeedback.create({
      data: { shop: TEST_SHOP, ambassadorId: ada.id, rating: 4, message: "Great codes", createdAt: ago(60) },
    });
    const mid = await prisma.ambassadorFeedback.create({
      data: { shop: TEST_SHOP, ambassadorId: ada.id, message: "More samples?", createdAt: ago(30) },
    });
    const recent = await prisma.ambassadorFeedback.create({
      data: { shop: TEST_SHOP, ambassadorId: ada.id, rating: 5, message: "Love it", createdAt: ago(1) },
    });

    const data = await load();
    expect(data.feedback.items.map((f) => f.id)).toEqual([recent.id, mid.id, old.id]);
    expect(data.feedback.unreadCount).toBe(3);
    expect(data.feedback.items[2]).toMatchObject({
      rating: 4,
      read: false,
      ambassador: { id: ada.id, name: "Ada Lovelace" },
    });
    expect(data.feedback.items[1].rating).toBeNull();

    expect(await act({ intent: "markRead", id: old.id })).toMatchObject({ ok: true, message: "Marked as read." });
    expect(await act({ intent: "markRead", id: old.id })).toMatchObject({ ok: true, message: expect.stringMatching(/already read/) });
    const after = await load();
    expect(after.feedback.unreadCount).toBe(2);
    expect(after.feedback.items.map((f) => f.read)).toEqual([false, false, true]);

    expect(await act({ intent: "markAllRead" })).toMatchObject({ ok: true, message: "2 messages marked as read." });
    expect((await load()).feedback.unreadCount).toBe(0);
    expect(await act({ intent: "markAllRead" })).toMatchObject({ ok: true, message: "There was no unread feedback." });
  });

  it("lists content newest first, linking the ambassador, and only http(s) addresses", async () => {
    const ada = await ambassador(TEST_SHOP, "Ada", "Lovelace");
    await prisma.contentSubmission.createMany({
      data: [
        { shop: TEST_SHOP, ambassadorId: ada.id, url: "https://video.example/a", note: "Unboxing", createdAt: ago(10) },
        { shop: TEST_SHOP, ambassadorId: ada.id, url: "javascript:alert(document.cookie)", createdAt: ago(5) },
      ],
    });
    const { content } = await load();
    expect(content.items).toEqual([
      expect.objectContaining({ url: "javascript:alert(document.cookie)", href: null, note: "" }),
      expect.objectContaining({
        url: "https://video.example/a",
        href: "https://video.example/a",
        note: "Unboxing",
        ambassador: { id: ada.id, name: "Ada Lovelace" },
      }),
    ]);
  });

  it("pages each list on its own, 25 at a time", async () => {
    const ada = await ambassador(TEST_SHOP, "Ada", "Lovelace");
    const n = COMMUNITY_PAGE_SIZE + 3;
    await prisma.programNews.createMany({
      data: Array.from({ length: n }, (_, i) => ({ shop: TEST_SHOP, title: `News ${i}`, body: "…", publishedAt: ago(n - i) })),
    });
    await prisma.ambassadorFeedback.createMany({
      data: Array.from({ length: n }, (_, i) => ({ shop: TEST_SHOP, ambassadorId: ada.id, message: `Msg ${i}`, createdAt: ago(n - i) })),
    });
    await prisma.contentSubmission.createMany({
      data: Array.from({ length: n }, (_, i) => ({ shop: TEST_SHOP, ambassadorId: ada.id, url: `https://x.example/${i}`, createdAt: ago(n - i) })),
    });

    const first = await load();
    expect(first.news.items).toHaveLength(COMMUNITY_PAGE_SIZE);
    expect(first.news.info).toMatchObject({ page: 1, hasNext: true, hasPrevious: false, totalCount: n });
    expect(first.news.items[0].title).toBe(`News ${n - 1}`);

    const mixed = await load("?newsPage=2&contentPage=2&feedbackPage=abc");
    expect(mixed.news.items.map((x) => x.title)).toEqual(["News 2", "News 1", "News 0"]);
    expect(mixed.news.info).toMatchObject({ page: 2, hasNext: false, hasPrevious: true });
    expect(mixed.content.items).toHaveLength(3);
    expect(mixed.feedback.info.page).toBe(1);
    expect(mixed.feedback.items).toHaveLength(COMMUNITY_PAGE_SIZE);
  });

  it("never shows another shop's news, feedback or content, nor changes them", async () => {
    const mine = await ambassador(TEST_SHOP, "Mia", "Mine");
    const theirs = await ambassador(OTHER_SHOP, "Theo", "Theirs");
    const theirNews = await prisma.programNews.create({ data: { shop: OTHER_SHOP, title: "B's news", body: "secret" } });
    const theirFeedback = await prisma.ambassadorFeedback.create({
      data: { shop: OTHER_SHOP, ambassadorId: theirs.id, message: "B's feedback" },
    });
    await prisma.contentSubmission.create({ data: { shop: OTHER_SHOP, ambassadorId: theirs.id, url: "https://b.example/" } });
    // A row of this shop naming the other shop's ambassador does not reveal their name.
    await prisma.contentSubmission.create({ data: { shop: TEST_SHOP, ambassadorId: theirs.id, url: "https://a.example/" } });
    await prisma.ambassadorFeedback.create({ data: { shop: TEST_SHOP, ambassadorId: mine.id, message: "Mine" } });

    const data = await load();
    expect(data.news.items).toEqual([]);
    expect(data.feedback.items.map((f) => f.message)).toEqual(["Mine"]);
    expect(data.feedback.unreadCount).toBe(1);
    expect(data.content.items.map((c) => [c.url, c.ambassador])).toEqual([["https://a.example/", null]]);

    expect(await act({ intent: "deleteNews", id: theirNews.id })).toMatchObject({ ok: false });
    expect(await act({ intent: "markRead", id: theirFeedback.id })).toMatchObject({ ok: false });
    await act({ intent: "markAllRead" });
    expect(await prisma.programNews.findUnique({ where: { id: theirNews.id } })).not.toBeNull();
    expect((await prisma.ambassadorFeedback.findUniqueOrThrow({ where: { id: theirFeedback.id } })).readAt).toBeNull();
  });
});

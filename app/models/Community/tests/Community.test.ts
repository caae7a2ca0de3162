import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { shopsErasedAfterFile } from "#/factories/orders";
import {
  deleteNews,
  listContent,
  listFeedback,
  listNews,
  markAllFeedbackRead,
  markFeedbackRead,
  NEWS_LIMITS,
  parsePage,
  postNews,
  safeExternalUrl,
} from "../Community.server";

const newShop = shopsErasedAfterFile();
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

async function ambassador(shop: string, firstName: string | null, lastName: string | null = null) {
  return prisma.ambassador.create({
    data: { shop, status: "active", source: "candidate", firstName, lastName, email: `${firstName ?? "x"}@example.com` },
  });
}

describe("program news", () => {
  it("posts news now, trimmed, and lists it newest first", async () => {
    const shop = newShop("news");
    const older = await postNews(shop, { title: "Spring drop", body: "New colours." }, minutesAgo(10));
    const newer = await postNews(shop, { title: "  Summer sale  ", body: "\n20% off for your friends.\n" });
    expect(older.ok && newer.ok).toBe(true);
    if (!newer.ok) return;
    expect(newer.news).toMatchObject({ title: "Summer sale", body: "20% off for your friends." });
    expect(Date.now() - newer.news.publishedAt.getTime()).toBeLessThan(5_000);

    const page = await listNews(shop);
    expect(page.items.map((n) => n.title)).toEqual(["Summer sale", "Spring drop"]);
    expect(page).toMatchObject({ page: 1, totalCount: 2, hasNext: false, hasPrevious: false });
  });

  it("refuses a blank or too long title or message, one error per field, storing nothing", async () => {
    const shop = newShop("news-invalid");
    expect(await postNews(shop, { title: "   ", body: "" })).toEqual({
      ok: false,
      fieldErrors: { title: "Title is required.", body: "Message is required." },
    });
    const tooLong = await postNews(shop, {
      title: "t".repeat(NEWS_LIMITS.title + 1),
      body: "b".repeat(NEWS_LIMITS.body + 1),
    });
    expect(tooLong).toEqual({
      ok: false,
      fieldErrors: {
        title: "Title can be at most 120 characters.",
        body: "Message can be at most 2,000 characters.",
      },
    });
    expect(
      await postNews(shop, { title: "t".repeat(NEWS_LIMITS.title), body: "b".repeat(NEWS_LIMITS.body) }),
    ).toMatchObject({ ok: true });
    expect(await prisma.programNews.count({ where: { shop } })).toBe(1);
  });

  it("pages through news, a page past the end reading as the last one", async () => {
    const shop = newShop("news-pages");
    await prisma.programNews.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({
        shop,
        title: `News ${i + 1}`,
        body: "…",
        publishedAt: minutesAgo(100 - i),
      })),
    });
    const first = await listNews(shop, { pageSize: 3 });
    expect(first.items.map((n) => n.title)).toEqual(["News 7", "News 6", "News 5"]);
    expect(first).toMatchObject({ hasPrevious: false, hasNext: true, totalCount: 7 });
    const third = await listNews(shop, { page: 3, pageSize: 3 });
    expect(third.items.map((n) => n.title)).toEqual(["News 1"]);
    expect(third).toMatchObject({ page: 3, hasPrevious: true, hasNext: false });
    expect((await listNews(shop, { page: 99, pageSize: 3 })).page).toBe(3);
  });

  it("deletes only the shop's own news", async () => {
    const shopA = newShop("news-a");
    const shopB = newShop("news-b");
    const theirs = await postNews(shopB, { title: "B's news", body: "Only for B." });
    if (!theirs.ok) throw new Error("not posted");
    expect(await deleteNews(shopA, theirs.news.id)).toBe(false);
    expect((await listNews(shopA)).items).toEqual([]);
    expect((await listNews(shopB)).items.map((n) => n.id)).toEqual([theirs.news.id]);
    expect(await deleteNews(shopB, theirs.news.id)).toBe(true);
    expect(await deleteNews(shopB, theirs.news.id)).toBe(false);
  });
});

describe("feedback", () => {
  it("lists newest first with the sender's name and the unread count; marks one or all read", async () => {
    const shop = newShop("feedback");
    const other = newShop("feedback-other");
    const ada = await ambassador(shop, "Ada", "Lovelace");
    const nameless = await ambassador(shop, null);
    const b = await ambassador(other, "Bea");
    const [old, recent] = await Promise.all([
      prisma.ambassadorFeedback.create({
        data: { shop, ambassadorId: ada.id, rating: 5, message: "Love it", createdAt: minutesAgo(30) },
      }),
      prisma.ambassadorFeedback.create({
        data: { shop, ambassadorId: nameless.id, message: "Codes work", createdAt: minutesAgo(5) },
      }),
    ]);
    const theirs = await prisma.ambassadorFeedback.create({
      data: { shop: other, ambassadorId: b.id, rating: 1, message: "B only" },
    });

    const page = await listFeedback(shop);
    expect(page.unreadCount).toBe(2);
    expect(page.items.map((f) => f.id)).toEqual([recent.id, old.id]);
    expect(page.items[1]).toMatchObject({ rating: 5, readAt: null, ambassador: { id: ada.id, name: "Ada Lovelace" } });
    expect(page.items[0].ambassador).toEqual({ id: nameless.id, name: "x@example.com" });

    // Another shop's id changes nothing here or there.
    expect(await markFeedbackRead(shop, [theirs.id])).toBe(0);
    expect((await prisma.ambassadorFeedback.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull();

    expect(await markFeedbackRead(shop, [old.id])).toBe(1);
    expect(await markFeedbackRead(shop, [old.id])).toBe(0);
    expect((await listFeedback(shop)).unreadCount).toBe(1);
    expect(await markAllFeedbackRead(shop)).toBe(1);
    expect((await listFeedback(shop)).unreadCount).toBe(0);
    expect((await listFeedback(other)).unreadCount).toBe(1);
  });
});

describe("content", () => {
  it("lists newest first with the sender; only http(s) addresses become links", async () => {
    const shop = newShop("content");
    const other = newShop("content-other");
    const ada = await ambassador(shop, "Ada", "Lovelace");
    await prisma.contentSubmission.createMany({
      data: [
        { shop, ambassadorId: ada.id, url: "https://video.example/unboxing", note: "Unboxing", createdAt: minutesAgo(20) },
        { shop, ambassadorId: ada.id, url: "javascript:alert(1)", createdAt: minutesAgo(10) },
        { shop, ambassadorId: "gone", url: "http://blog.example/post", createdAt: minutesAgo(1) },
        { shop: other, ambassadorId: ada.id, url: "https://other.example/" },
      ],
    });
    const page = await listContent(shop);
    expect(page.items.map((c) => [c.url, c.href, c.ambassador?.name ?? null])).toEqual([
      ["http://blog.example/post", "http://blog.example/post", null],
      ["javascript:alert(1)", null, "Ada Lovelace"],
      ["https://video.example/unboxing", "https://video.example/unboxing", "Ada Lovelace"],
    ]);
    // Ada's id under another shop's submission does not make it Ada's here, nor list it.
    const theirs = await listContent(other);
    expect(theirs.items).toHaveLength(1);
    expect(theirs.items[0].ambassador).toBeNull();
  });

  it("reads safe links strictly", () => {
    expect(safeExternalUrl(" https://a.example/x?y=1 ")).toBe("https://a.example/x?y=1");
    for (const url of ["javascript:alert(1)", "data:text/html,hi", "ftp://a.example", "//a.example", "not a url", "mailto:a@b.c"]) {
      expect(safeExternalUrl(url), url).toBeNull();
    }
  });
});

describe("page numbers", () => {
  it("reads positive whole numbers, else 1", () => {
    expect(parsePage("3")).toBe(3);
    for (const value of [null, "", "0", "-1", "2.5", "abc", "1e3"]) expect(parsePage(value), String(value)).toBe(1);
    expect(parsePage("999999")).toBe(10_000);
  });
});

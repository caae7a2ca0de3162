/**
 * The admin side of the ambassador community: program news the merchant posts (shown in
 * the storefront portal block), and the feedback and content links ambassadors send from
 * that block (written by app/models/Storefront/Submissions.server.ts). Every read and
 * write takes the shop and is scoped by it: an id from another shop matches nothing.
 */
import { z } from "zod";
import prisma from "../../db.server";

export const NEWS_LIMITS = { title: 120, body: 2000 } as const;
export const COMMUNITY_PAGE_SIZE = 25;
/** Page numbers beyond this are read as the last page (offsets stay small). */
const MAX_PAGE = 10_000;

// ---- pages ------------------------------------------------------------------------------

export interface PageOf<T> {
  items: T[];
  /** 1-based; a page past the end is read as the last page. */
  page: number;
  pageSize: number;
  totalCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** A page number from the URL: a positive whole number, else 1. */
export function parsePage(value: string | null | undefined): number {
  if (!value || !/^\d{1,6}$/.test(value.trim())) return 1;
  return Math.min(MAX_PAGE, Math.max(1, Number(value.trim())));
}

async function readPage<T>(
  totalCount: number,
  page: number,
  pageSize: number,
  read: (skip: number, take: number) => Promise<T[]>,
): Promise<PageOf<T>> {
  const lastPage = Math.max(1, Math.ceil(totalCount / pageSize));
  const current = Math.min(Math.max(1, page), lastPage);
  const items = totalCount === 0 ? [] : await read((current - 1) * pageSize, pageSize);
  return {
    items,
    page: current,
    pageSize,
    totalCount,
    hasPrevious: current > 1,
    hasNext: current < lastPage,
  };
}

// ---- who sent it --------------------------------------------------------------------------

export interface AmbassadorRef {
  id: string;
  /** First and last name, else the email, else a neutral label. */
  name: string;
}

async function ambassadorsById(shop: string, ids: string[]): Promise<Map<string, AmbassadorRef>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.ambassador.findMany({
    where: { shop, id: { in: [...new Set(ids)] } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  return new Map(
    rows.map((a) => [
      a.id,
      {
        id: a.id,
        name: [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || "Unnamed ambassador",
      },
    ]),
  );
}

// ---- program news -----------------------------------------------------------------------

export interface NewsItem {
  id: string;
  title: string;
  body: string;
  publishedAt: Date;
}

/** Trimmed text without control characters (newlines and tabs are kept). */
function cleanText(value: unknown): unknown {
  if (value === undefined || value === null) return "";
  return typeof value === "string"
    ? // eslint-disable-next-line no-control-regex
      value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim()
    : value;
}

function text(label: string, max: number) {
  return z.preprocess(
    cleanText,
    z
      .string({ invalid_type_error: `${label} must be text.` })
      .min(1, { message: `${label} is required.` })
      .max(max, { message: `${label} can be at most ${max.toLocaleString("en")} characters.` }),
  );
}

export const newsInput = z.object({
  title: text("Title", NEWS_LIMITS.title),
  body: text("Message", NEWS_LIMITS.body),
});

export type NewsField = keyof z.infer<typeof newsInput>;

export type PostNewsResult =
  | { ok: true; news: NewsItem }
  | { ok: false; fieldErrors: Partial<Record<NewsField, string>> };

/** Publishes news now; an invalid field stores nothing and says which field and why. */
export async function postNews(
  shop: string,
  fields: { title?: unknown; body?: unknown },
  now: Date = new Date(),
): Promise<PostNewsResult> {
  const parsed = newsInput.safeParse(fields);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<NewsField, string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as NewsField;
      fieldErrors[field] ??= issue.message;
    }
    return { ok: false, fieldErrors };
  }
  const news = await prisma.programNews.create({
    data: { shop, title: parsed.data.title, body: parsed.data.body, publishedAt: now },
    select: { id: true, title: true, body: true, publishedAt: true },
  });
  return { ok: true, news };
}

/** Newest first. */
export async function listNews(
  shop: string,
  { page = 1, pageSize = COMMUNITY_PAGE_SIZE }: { page?: number; pageSize?: number } = {},
): Promise<PageOf<NewsItem>> {
  const totalCount = await prisma.programNews.count({ where: { shop } });
  return readPage(totalCount, page, pageSize, (skip, take) =>
    prisma.programNews.findMany({
      where: { shop },
      orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
      skip,
      take,
      select: { id: true, title: true, body: true, publishedAt: true },
    }),
  );
}

/** False when this shop has no news with that id (already deleted, or another shop's). */
export async function deleteNews(shop: string, id: string): Promise<boolean> {
  const { count } = await prisma.programNews.deleteMany({ where: { shop, id } });
  return count > 0;
}

// ---- feedback ---------------------------------------------------------------------------

export interface FeedbackItem {
  id: string;
  /** 1–5, or null when the ambassador gave none. */
  rating: number | null;
  message: string;
  createdAt: Date;
  readAt: Date | null;
  /** Null when the ambassador row is gone. */
  ambassador: AmbassadorRef | null;
}

/** Newest first, with how many of the shop's messages are unread. */
export async function listFeedback(
  shop: string,
  { page = 1, pageSize = COMMUNITY_PAGE_SIZE }: { page?: number; pageSize?: number } = {},
): Promise<PageOf<FeedbackItem> & { unreadCount: number }> {
  const [totalCount, unreadCount] = await Promise.all([
    prisma.ambassadorFeedback.count({ where: { shop } }),
    prisma.ambassadorFeedback.count({ where: { shop, readAt: null } }),
  ]);
  const result = await readPage(totalCount, page, pageSize, async (skip, take) => {
    const rows = await prisma.ambassadorFeedback.findMany({
      where: { shop },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip,
      take,
    });
    const senders = await ambassadorsById(
      shop,
      rows.map((r) => r.ambassadorId),
    );
    return rows.map((r) => ({
      id: r.id,
      rating: r.rating,
      message: r.message,
      createdAt: r.createdAt,
      readAt: r.readAt,
      ambassador: senders.get(r.ambassadorId) ?? null,
    }));
  });
  return { ...result, unreadCount };
}

/** Marks these messages of the shop read; returns how many were unread. */
export async function markFeedbackRead(
  shop: string,
  ids: string[],
  now: Date = new Date(),
): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await prisma.ambassadorFeedback.updateMany({
    where: { shop, id: { in: ids }, readAt: null },
    data: { readAt: now },
  });
  return count;
}

/** Marks every unread message of the shop read; returns how many. */
export async function markAllFeedbackRead(shop: string, now: Date = new Date()): Promise<number> {
  const { count } = await prisma.ambassadorFeedback.updateMany({
    where: { shop, readAt: null },
    data: { readAt: now },
  });
  return count;
}

/** Whether this shop has feedback with that id (read or not). */
export async function feedbackExists(shop: string, id: string): Promise<boolean> {
  const row = await prisma.ambassadorFeedback.findFirst({ where: { shop, id }, select: { id: true } });
  return row !== null;
}

// ---- content ----------------------------------------------------------------------------

export interface ContentItem {
  id: string;
  /** As the ambassador sent it. */
  url: string;
  /** The link to render: only http(s) addresses, else null (show the text only). */
  href: string | null;
  note: string;
  createdAt: Date;
  ambassador: AmbassadorRef | null;
}

/** An http(s) URL as the browser will read it, or null for anything else. */
export function safeExternalUrl(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
    if (!parsed.hostname) return null;
    return parsed.href;
  } catch {
    return null;
  }
}

/** Newest first. */
export async function listContent(
  shop: string,
  { page = 1, pageSize = COMMUNITY_PAGE_SIZE }: { page?: number; pageSize?: number } = {},
): Promise<PageOf<ContentItem>> {
  const totalCount = await prisma.contentSubmission.count({ where: { shop } });
  return readPage(totalCount, page, pageSize, async (skip, take) => {
    const rows = await prisma.contentSubmission.findMany({
      where: { shop },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip,
      take,
    });
    const senders = await ambassadorsById(
      shop,
      rows.map((r) => r.ambassadorId),
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      href: safeExternalUrl(r.url),
      note: r.note,
      createdAt: r.createdAt,
      ambassador: senders.get(r.ambassadorId) ?? null,
    }));
  });
}

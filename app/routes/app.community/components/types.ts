/** What the Community page's loader sends and its action answers. Client-safe. */
export interface AmbassadorRefView {
  id: string;
  name: string;
}

export interface NewsView {
  id: string;
  title: string;
  body: string;
  publishedAt: string;
}

export interface FeedbackView {
  id: string;
  rating: number | null;
  message: string;
  createdAt: string;
  read: boolean;
  ambassador: AmbassadorRefView | null;
}

export interface ContentView {
  id: string;
  url: string;
  /** Only http(s) links; null means show the text, not a link. */
  href: string | null;
  note: string;
  createdAt: string;
  ambassador: AmbassadorRefView | null;
}

export interface PageInfo {
  page: number;
  pageSize: number;
  totalCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export type NewsFieldErrors = Partial<Record<"title" | "body", string>>;

export type CommunityResult =
  | { intent: "postNews"; ok: true; message: string; newsId: string }
  | {
      intent: "postNews";
      ok: false;
      message: string;
      fieldErrors: NewsFieldErrors;
      values: { title: string; body: string };
    }
  | { intent: "deleteNews" | "markRead" | "markAllRead"; ok: boolean; message: string }
  | { intent: null; ok: false; message: string };

/** The URL parameter holding each list's page number. */
export const PAGE_PARAMS = {
  news: "newsPage",
  feedback: "feedbackPage",
  content: "contentPage",
} as const;
export type CommunityList = keyof typeof PAGE_PARAMS;

// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { h, render } from "preact";
import { AmbassadorPage } from "../../extensions/ambassadors-account/src/AmbassadorPage.jsx";
import { APP_URL } from "../../extensions/ambassadors-account/src/app-url.js";
import { fakeFetch, fakeShopify } from "./fake-shopify";

/**
 * The customer account page against a stand-in `shopify` object and app: the signup for
 * a customer who is not an ambassador, a pending application, the ambassador's portal and
 * its forms, and an unreachable app.
 */
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const NONE = { open: true, loggedIn: true, membership: "none", news: [] };
const PENDING = { ...NONE, membership: "applied", application: { status: "pending" } };
const AMBASSADOR = {
  ...NONE,
  membership: "ambassador",
  ambassador: {
    firstName: "Ada",
    status: "active",
    code: "ADA123",
    codeLive: true,
    shareUrl: "https://shop.example/discount/ADA123",
    sharingPaused: null,
    programPaused: false,
    clicks: 42,
    orders: 7,
    revenue: "$350.00",
    rewards: { pending: "$10.00", ready: "$20.00", paid: "$5.00" },
  },
  news: [{ id: "n1", title: "Summer drop", body: "New scents are in.", publishedAt: "2026-11-01T00:00:00.000Z" }],
};

let root: HTMLElement;

function mount(handler: Parameters<typeof fakeFetch>[0], locale?: string) {
  const app = fakeFetch(handler);
  vi.stubGlobal("fetch", app.fetch);
  vi.stubGlobal("shopify", fakeShopify("ambassadors-account", { locale, token: "account-token" }));
  render(h(AmbassadorPage, {}), root);
  return app;
}

const text = () => root.textContent ?? "";
const button = (label: string) =>
  [...root.querySelectorAll("s-button")].find((b) => b.textContent?.includes(label)) as HTMLElement | undefined;
const field = (name: string) => root.querySelector(`[name="${name}"]`) as HTMLElement & { value?: string };

/** Types into a field as Shopify's field element does (value, then an input event), and lets the page re-render. */
async function type(name: string, value: string) {
  const element = field(name);
  element.value = value;
  element.dispatchEvent(new Event("input"));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("customer account page", () => {
  beforeEach(() => {
    root = document.createElement("div");
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.unstubAllGlobals();
  });

  it("shows a customer who is not an ambassador the signup; applying shows the pending application", async () => {
    let applied = false;
    const app = mount((method, _url, body) => {
      if (method === "POST") {
        expect(JSON.parse(body!)).toEqual({ intent: "apply" });
        applied = true;
        return json({ ok: true, status: "pending", message: "Thanks" });
      }
      return json(applied ? PENDING : NONE);
    });
    expect(root.querySelector("s-spinner")?.getAttribute("accessibilityLabel")).toBe("Loading your ambassador page");
    await vi.waitFor(() => expect(button("Apply now")).toBeDefined());
    expect(root.querySelector("s-section")?.getAttribute("heading")).toBe("Become an ambassador");
    expect(text()).toContain("account's name and email");
    expect(root.querySelector("s-page")?.getAttribute("heading")).toBe("Ambassador program");
    expect(app.calls[0]).toMatchObject({ url: `${APP_URL}/api/customer-account/ambassador`, authorization: "Bearer account-token" });
    button("Apply now")!.click();
    await vi.waitFor(() => expect(text()).toContain("Thanks for applying!"));
    expect(button("Apply now")).toBeUndefined();
  });

  it("shows a pending application's state", async () => {
    mount(() => json(PENDING));
    await vi.waitFor(() => expect(text()).toContain("We'll let you know when you're approved."));
  });

  it("shows the ambassador their code, link, clicks, orders, sales, rewards and news", async () => {
    mount(() => json(AMBASSADOR));
    await vi.waitFor(() => expect(text()).toContain("ADA123"));
    const sections = [...root.querySelectorAll("s-section")].map((s) => s.getAttribute("heading"));
    expect(sections).toEqual(["Your code and link", "Your results", "Your rewards", "Program news", "Share your content", "Send us feedback"]);
    for (const shown of ["https://shop.example/discount/ADA123", "Link clicks42", "Orders7", "Sales$350.00", "Pending$10.00", "Approved$20.00", "Paid$5.00", "Summer drop", "New scents are in."]) {
      expect(text()).toContain(shown);
    }
    const copy = button("Copy code")!;
    expect(root.querySelector(`s-clipboard-item#${copy.getAttribute("commandfor")}`)?.getAttribute("text")).toBe("ADA123");
    expect(button("Copy link")).toBeDefined();
  });

  it("sends content and feedback, and shows the app's field errors", async () => {
    const posted: unknown[] = [];
    mount((method, _url, body) => {
      if (method !== "POST") return json(AMBASSADOR);
      const fields = JSON.parse(body!);
      posted.push(fields);
      if (fields.intent === "feedback") {
        return json({ ok: false, message: "Please check the highlighted fields.", fieldErrors: { message: { code: "required", message: "Message is required." } } }, 422);
      }
      return json({ ok: true, message: "Thanks! We received your link." });
    });
    await vi.waitFor(() => expect(button("Send link")).toBeDefined());
    await type("url", "https://video.example/1");
    await type("note", "Unboxing");
    button("Send link")!.click();
    await vi.waitFor(() => expect(text()).toContain("Thanks! We received your link."));

    await type("rating", "5");
    button("Send feedback")!.click();
    await vi.waitFor(() => expect(field("message").getAttribute("error")).toBe("Message is required."));
    expect(posted).toEqual([
      { intent: "content", url: "https://video.example/1", note: "Unboxing" },
      { intent: "feedback", rating: "5", message: "" },
    ]);
  });

  it("says when the app is unreachable, and tries again on request", async () => {
    let up = false;
    const app = mount(() => {
      if (!up) throw new TypeError("Failed to fetch");
      return json(AMBASSADOR);
    });
    await vi.waitFor(() => expect(text()).toContain("We couldn't reach the ambassador program."));
    up = true;
    button("Try again")!.click();
    await vi.waitFor(() => expect(text()).toContain("ADA123"));
    expect(app.calls).toHaveLength(2);
  });

  it("speaks French with the French locale", async () => {
    mount(() => json(AMBASSADOR), "fr.json");
    await vi.waitFor(() => expect(text()).toContain("Copier le code"));
    expect(root.querySelector("s-page")?.getAttribute("heading")).toBe("Programme d'ambassadeurs");
    expect(root.querySelector("s-section")?.getAttribute("heading")).toBe("Votre code et votre lien");
    expect(text()).toContain("Clics sur le lien42");
  });
});

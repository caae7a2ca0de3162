// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { h, render } from "preact";
import { AmbassadorBlock } from "../../extensions/ambassadors-checkout/src/AmbassadorBlock.jsx";
import { APP_URL } from "../../extensions/ambassadors-checkout/src/app-url.js";
import ThankYouBlock from "../../extensions/ambassadors-checkout/src/ThankYouBlock.jsx";
import OrderStatusBlock from "../../extensions/ambassadors-checkout/src/OrderStatusBlock.jsx";
import { fakeFetch, fakeShopify } from "./fake-shopify";

/**
 * The Thank you / Order status block against a stand-in `shopify` object and app: what
 * a buyer sees in each state, and what a tap sends. Polaris web components (`s-*`) are
 * unknown elements here: the tests read their text and attributes.
 */
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const INVITE = { invite: true, membership: "none" };
const PENDING = { invite: false, membership: "applied", application: { status: "pending" } };
const AMBASSADOR = {
  invite: false,
  membership: "ambassador",
  ambassador: { firstName: "Ada", status: "active", code: "ADA123", shareUrl: "https://shop.example/discount/ADA123", sharingPaused: null },
};

let root: HTMLElement;

function mount(handler: Parameters<typeof fakeFetch>[0], locale?: string) {
  const app = fakeFetch(handler);
  vi.stubGlobal("fetch", app.fetch);
  vi.stubGlobal("shopify", fakeShopify("ambassadors-checkout", { locale, token: "signed-token" }));
  render(h(AmbassadorBlock, {}), root);
  return app;
}

/** Lets the block finish what the last answer started (promise callbacks, then a render). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const text = () => root.textContent ?? "";
const button = (label: string) =>
  [...root.querySelectorAll("s-button")].find((b) => b.textContent?.includes(label)) as HTMLElement | undefined;

describe("checkout block (Thank you and Order status pages)", () => {
  beforeEach(() => {
    root = document.createElement("div");
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.unstubAllGlobals();
  });

  it("invites a buyer who qualifies; one tap applies with the session token, then shows the application", async () => {
    let applied = false;
    const app = mount((method) => {
      if (method === "POST") {
        applied = true;
        return json({ ok: true, status: "pending", message: "Thanks" });
      }
      return json(applied ? PENDING : INVITE);
    });
    await vi.waitFor(() => expect(text()).toContain("Love it? Become an ambassador"));
    expect(text()).toContain("account's name and email");
    expect(app.calls[0]).toMatchObject({ method: "GET", url: `${APP_URL}/api/checkout/ambassador`, authorization: "Bearer signed-token" });

    button("Become an ambassador")!.click();
    await vi.waitFor(() => expect(text()).toContain("Thanks for applying!"));
    expect(app.calls.filter((c) => c.method === "POST")).toEqual([
      { method: "POST", url: `${APP_URL}/api/checkout/ambassador`, authorization: "Bearer signed-token", body: "{}" },
    ]);
    expect(button("Become an ambassador")).toBeUndefined();
  });

  it("ignores a second tap while the first is under way", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = mount(async (method) => {
      if (method === "POST") {
        await gate;
        return json({ ok: true, status: "pending", message: "Thanks" });
      }
      return json(INVITE);
    });
    await vi.waitFor(() => expect(button("Become an ambassador")).toBeDefined());
    button("Become an ambassador")!.click();
    await vi.waitFor(() => expect(button("Become an ambassador")!.hasAttribute("disabled")).toBe(true));
    button("Become an ambassador")!.click();
    release();
    await vi.waitFor(() => expect(text()).toContain("Thanks for applying!"));
    expect(app.calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("shows nothing to a buyer who does not qualify", async () => {
    const app = mount(() => json({ invite: false, membership: "none" }));
    await vi.waitFor(() => expect(app.calls).toHaveLength(1));
    await settle();
    expect(root.innerHTML).toBe("");
  });

  it("shows an ambassador their code and share link, each with a copy button", async () => {
    mount(() => json(AMBASSADOR));
    await vi.waitFor(() => expect(text()).toContain("ADA123"));
    expect(text()).toContain("Your ambassador code");
    expect(text()).toContain("https://shop.example/discount/ADA123");
    const copyCode = button("Copy code")!;
    const copyLink = button("Copy link")!;
    expect(copyCode.getAttribute("command")).toBe("--copy");
    const codeClip = root.querySelector(`s-clipboard-item#${copyCode.getAttribute("commandfor")}`);
    const linkClip = root.querySelector(`s-clipboard-item#${copyLink.getAttribute("commandfor")}`);
    expect(codeClip?.getAttribute("text")).toBe("ADA123");
    expect(linkClip?.getAttribute("text")).toBe("https://shop.example/discount/ADA123");
    expect(text()).not.toContain("Become an ambassador");

    // Shopify's clipboard item reports the copy; the button says so.
    codeClip!.dispatchEvent(new Event("copy"));
    await vi.waitFor(() => expect(text()).toContain("Copied"));
  });

  it("shows a pending application's state", async () => {
    mount(() => json(PENDING));
    await vi.waitFor(() => expect(text()).toContain("Thanks for applying! We'll let you know when you're approved."));
    expect(button("Become an ambassador")).toBeUndefined();
  });

  it("shows nothing when the app is unreachable, and says so when a tap cannot reach it", async () => {
    mount(() => {
      throw new TypeError("Failed to fetch");
    });
    await settle();
    expect(root.innerHTML).toBe("");
    render(null, root);

    let up = true;
    mount((method) => {
      if (method === "POST" || !up) throw new TypeError("Failed to fetch");
      up = false;
      return json(INVITE);
    });
    await vi.waitFor(() => expect(button("Become an ambassador")).toBeDefined());
    button("Become an ambassador")!.click();
    await vi.waitFor(() => expect(text()).toContain("We couldn't reach the ambassador program."));
    expect(button("Become an ambassador")).toBeDefined();
  });

  it("renders the same block from the Thank you and the Order status targets' modules", async () => {
    for (const entry of [ThankYouBlock, OrderStatusBlock]) {
      mount(() => json(AMBASSADOR));
      render(null, root);
      document.body.replaceChildren();
      await entry();
      await vi.waitFor(() => expect(document.body.textContent).toContain("ADA123"));
      render(null, document.body);
    }
  });

  it("speaks French with the French locale", async () => {
    mount(() => json(INVITE), "fr.json");
    await vi.waitFor(() => expect(text()).toContain("Vous aimez ? Devenez ambassadeur"));
    expect(button("Devenir ambassadeur")).toBeDefined();
  });
});

import fs from "node:fs";
import path from "node:path";
import { buildTargetScript, extensionDir, type UiExtension } from "../../scripts/extension-bundles";
import { APP_URL as BUNDLE_APP_URL } from "../../extensions/ambassadors-checkout/src/app-url.js";

/**
 * Hosts one of our UI extension targets on a page of the storefront preview, as Shopify
 * hosts it in checkout or the customer account: the real bundle, run with a stand-in for
 * the global `shopify` object (a session token signed by the local shop for the signed-in
 * customer, translations from the extension's locales) and minimal stand-ins for the
 * Polaris web components it renders (`s-button`, `s-text`, ...), so a person sees and uses
 * it. The page is meant for an iframe: Shopify runs extensions in a sandbox of their own.
 * Demo and browser tests only.
 */
export interface HostedTarget {
  extension: UiExtension;
  target: string;
  /** The page's title (the iframe's document). */
  title: string;
}

export const HOSTED_TARGETS = {
  thankYou: { extension: "ambassadors-checkout", target: "purchase.thank-you.block.render", title: "Ambassadors block" },
  accountPage: { extension: "ambassadors-account", target: "customer-account.page.render", title: "Ambassador program" },
} as const satisfies Record<string, HostedTarget>;

const scripts = new Map<string, Promise<string>>();

/** The target's bundle, built once per process. */
function targetScript(hosted: HostedTarget): Promise<string> {
  const key = `${hosted.extension}:${hosted.target}`;
  if (!scripts.has(key)) scripts.set(key, buildTargetScript(hosted.extension, hosted.target));
  return scripts.get(key)!;
}

function locale(extension: UiExtension, language: string): Record<string, unknown> {
  const file = language === "fr" ? "fr.json" : "en.default.json";
  return JSON.parse(fs.readFileSync(path.join(extensionDir(extension), "locales", file), "utf8"));
}

/** Inline JSON in a <script>: nothing in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The document for the iframe. `tokenPath` answers `{ token }` for the visitor; `appUrl`
 * is where the app really is (the bundle calls the URL configured for production).
 */
export async function hostedTargetPage(
  hosted: HostedTarget,
  options: { appUrl: string; tokenPath: string; language: string },
): Promise<string> {
  const script = await targetScript(hosted);
  const config = {
    target: hosted.target,
    strings: locale(hosted.extension, options.language),
    tokenPath: options.tokenPath,
    bundleAppUrl: BUNDLE_APP_URL,
    appUrl: options.appUrl,
  };
  return `<!doctype html>
<html lang="${options.language === "fr" ? "fr" : "en"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${hosted.title}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:.25rem;color:#1a1a1a;line-height:1.5}</style>
<script>window.__AMBASSADORS_HOST__=${scriptJson(config)};</script>
<script>${STAND_IN_SOURCE}</script>
</head><body>
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
</body></html>`;
}

/**
 * The stand-ins, run in the iframe before the bundle. Kept in plain browser JavaScript:
 * the page serves it as it is.
 */
const STAND_IN_SOURCE = String.raw`(() => {
  const host = window.__AMBASSADORS_HOST__;
  const realFetch = window.fetch.bind(window);
  // The bundle calls the app at its production URL; the demo's app is elsewhere.
  window.fetch = (input, init) => {
    const url = String(input);
    return realFetch(url.startsWith(host.bundleAppUrl) ? host.appUrl + url.slice(host.bundleAppUrl.length) : url, init);
  };
  const lookup = (key) => key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), host.strings);
  window.shopify = {
    extension: { target: host.target },
    sessionToken: {
      async get() {
        const response = await realFetch(host.tokenPath, { credentials: "same-origin" });
        return (await response.json()).token;
      },
    },
    i18n: {
      translate(key, values) {
        const value = lookup(key);
        if (typeof value !== "string") return key;
        return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name) => String((values || {})[name] ?? ""));
      },
    },
  };

  const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  class Element extends HTMLElement {
    static get observedAttributes() { return this.attrs || []; }
    constructor() { super(); this.attachShadow({ mode: "open" }); }
    connectedCallback() { this.update(); }
    attributeChangedCallback() { if (this.isConnected) this.update(); }
    update() {}
  }
  const simple = (tag, attrs, html) =>
    customElements.define(tag, class extends Element {
      static attrs = attrs;
      update() { this.shadowRoot.innerHTML = html(this); }
    });
  const attr = (el, name) => el.getAttribute(name) || "";

  simple("s-page", ["heading"], (el) => '<style>:host{display:block;max-width:60rem}h1{font-size:1.6rem;margin:.25rem 0 1rem}</style><h1>' + esc(attr(el, "heading")) + "</h1><slot></slot>");
  simple("s-section", ["heading"], (el) => '<style>:host{display:block;border:1px solid #ddd;border-radius:.5rem;padding:1rem}h2{font-size:1.15rem;margin:0 0 .5rem}</style>' + (el.hasAttribute("heading") ? "<h2>" + esc(attr(el, "heading")) + "</h2>" : "") + "<slot></slot>");
  simple("s-heading", [], () => '<style>:host{display:block}h2{font-size:1.2rem;margin:0}</style><h2><slot></slot></h2>');
  simple("s-paragraph", [], () => '<style>:host{display:block}p{margin:0}</style><p><slot></slot></p>');
  simple("s-text", ["type", "color"], (el) => '<style>:host{display:inline}span{' + (attr(el, "type") === "strong" ? "font-weight:600;" : "") + (attr(el, "color") === "subdued" ? "color:#4a4a4a;" : "") + "}</style><span><slot></slot></span>");
  simple("s-stack", ["direction", "gap"], (el) => {
    const inline = attr(el, "direction") === "inline";
    return '<style>:host{display:flex;gap:' + (attr(el, "gap") === "large" ? "1.25rem" : ".75rem") + ";flex-direction:" + (inline ? "row;align-items:center;flex-wrap:wrap" : "column") + "}</style><slot></slot>";
  });
  simple("s-grid", ["gridtemplatecolumns"], (el) => '<style>:host{display:grid;gap:.75rem;grid-template-columns:' + (attr(el, "gridtemplatecolumns") || "1fr") + "}</style><slot></slot>");
  simple("s-banner", ["tone"], (el) => {
    const tone = attr(el, "tone") || "info";
    const colors = { success: "#e3f1df", critical: "#fbeae5", warning: "#fff1c7", info: "#e8f1fc" };
    return '<style>:host{display:block}div{padding:.75rem 1rem;border-radius:.5rem;background:' + (colors[tone] || colors.info) + '}</style><div role="' + (tone === "critical" ? "alert" : "status") + '"><slot></slot></div>';
  });
  simple("s-spinner", ["accessibilitylabel"], (el) => '<span role="status">' + esc(attr(el, "accessibilitylabel") || "Loading") + "…</span>");
  simple("s-clipboard-item", ["text"], () => "<style>:host{display:none}</style>");
  simple("s-option", ["value"], () => "<style>:host{display:none}</style>");

  customElements.define("s-button", class extends Element {
    static attrs = ["disabled", "loading", "variant", "accessibilitylabel"];
    constructor() {
      super();
      // command="--copy": copies the text of the s-clipboard-item named by commandFor.
      this.addEventListener("click", () => {
        if (this.getAttribute("command") !== "--copy") return;
        const item = document.getElementById(attr(this, "commandfor"));
        if (!item) return;
        const text = attr(item, "text");
        const copied = navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error("no clipboard"));
        copied.catch(() => {
          const area = document.createElement("textarea");
          area.value = text;
          document.body.append(area);
          area.select();
          document.execCommand("copy");
          area.remove();
        }).then(() => item.dispatchEvent(new Event("copy")));
      });
    }
    update() {
      const primary = attr(this, "variant") === "primary";
      const off = this.hasAttribute("disabled") || this.hasAttribute("loading");
      const label = attr(this, "accessibilitylabel");
      this.shadowRoot.innerHTML = '<style>:host{display:inline-block}button{font:inherit;padding:.6rem 1.1rem;border-radius:.4rem;cursor:pointer;border:1px solid #1a1a1a;background:' + (primary ? "#1a1a1a;color:#fff" : "#fff;color:#1a1a1a") + "}button:disabled{opacity:.65;cursor:default}</style>" +
        '<button type="button"' + (off ? " disabled" : "") + (label ? ' aria-label="' + esc(label) + '"' : "") + "><slot></slot></button>";
    }
  });

  // Fields: a labelled control in the shadow root; its value is the element's, and its
  // input and change events are re-sent from the element, as Polaris fields send them.
  class Field extends HTMLElement {
    static get observedAttributes() { return ["label", "error", "name"]; }
    constructor() { super(); this.attachShadow({ mode: "open" }); this._value = ""; }
    get value() { return this._value; }
    set value(value) {
      this._value = value == null ? "" : String(value);
      const control = this.shadowRoot.getElementById("control");
      if (control && control.value !== this._value) control.value = this._value;
    }
    connectedCallback() {
      if (this.shadowRoot.getElementById("control")) return;
      this.shadowRoot.innerHTML = '<style>:host{display:block}label{display:block;font-weight:600;margin-bottom:.25rem}input,textarea,select{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #767676;border-radius:.3rem}.error{color:#b00020;margin:.25rem 0 0}</style>' +
        '<label for="control"></label>' + this.controlHtml() + '<p class="error" id="error" hidden></p>';
      const control = this.shadowRoot.getElementById("control");
      control.value = this._value;
      for (const type of ["input", "change"]) {
        control.addEventListener(type, () => {
          this._value = control.value;
          this.dispatchEvent(new Event(type, { bubbles: true }));
        });
      }
      this.sync();
    }
    attributeChangedCallback() { if (this.shadowRoot.getElementById("control")) this.sync(); }
    sync() {
      const control = this.shadowRoot.getElementById("control");
      const error = this.shadowRoot.getElementById("error");
      this.shadowRoot.querySelector("label").textContent = this.getAttribute("label") || "";
      const message = this.getAttribute("error") || "";
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", "error");
      } else {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
    }
  }
  customElements.define("s-text-field", class extends Field { controlHtml() { return '<input id="control" type="text">'; } });
  customElements.define("s-url-field", class extends Field { controlHtml() { return '<input id="control" type="url">'; } });
  customElements.define("s-text-area", class extends Field { controlHtml() { return '<textarea id="control" rows="3"></textarea>'; } });
  customElements.define("s-select", class extends Field {
    controlHtml() { return '<select id="control"></select>'; }
    connectedCallback() {
      super.connectedCallback();
      const fill = () => {
        const control = this.shadowRoot.getElementById("control");
        control.innerHTML = [...this.querySelectorAll("s-option")]
          .map((o) => '<option value="' + esc(o.getAttribute("value")) + '">' + esc(o.textContent) + "</option>")
          .join("");
        control.value = this._value;
      };
      fill();
      new MutationObserver(fill).observe(this, { childList: true, subtree: true, characterData: true });
    }
  });

  // The iframe grows with what the extension renders (Shopify sizes its sandbox so too).
  // The root element's own box (not scrollHeight, which is never less than the frame).
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    parent.postMessage({ ambassadorsFrameHeight: Math.max(height, 1) }, "*");
  }).observe(document.documentElement);
})();`;

/** For the page around the iframe: sizes each hosted frame to its content. */
export const FRAME_RESIZE_SCRIPT = `<script>addEventListener("message",(e)=>{const h=e.data&&e.data.ambassadorsFrameHeight;if(!h)return;for(const f of document.querySelectorAll("iframe[data-extension]"))if(f.contentWindow===e.source)f.style.height=h+"px";});</script>`;

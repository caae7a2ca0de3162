import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Liquid, Tag, type TagToken, type TopLevelToken, type Liquid as LiquidEngine } from "liquidjs";
import { repoRoot } from "./app-config";

/**
 * A storefront preview: the part of Shopify that renders the theme around our theme app
 * extension's blocks and forwards /apps/ambassadors/* to the app as a signed app-proxy
 * request. Demo and browser tests only.
 */
export interface StorefrontOptions {
  port: number;
  shopName: string;
  shopDomain: string;
  /** Where Shopify would forward proxy requests: the app's proxy URL (toml `app_proxy.url`). */
  appProxyUrl: string;
  /** `/apps/ambassadors`, from the toml's prefix and subpath. */
  proxyPathPrefix: string;
  /**
   * Signs forwarded proxy requests exactly as Shopify does: its own parameters and the
   * storefront request's query (`extra`, e.g. a share link's `?to=`) together.
   */
  signProxyQuery: (loggedInCustomerId: string, extra: Record<string, string | string[]>) => URLSearchParams;
  /** Resolves a demo "logged in" customer id to the Liquid `customer` object. */
  findCustomer: (id: string) => PreviewCustomer | undefined;
  /** The customer "Log in (demo)" signs in as (a numeric Shopify customer id). */
  demoLoginCustomerId?: string;
  extensionDir?: string;
}

export interface PreviewCustomer {
  id: string;
  first_name: string;
  email: string;
  /** namespace → key → value, as the Admin API stored them. */
  metafields?: Record<string, Record<string, string>>;
}

export interface Storefront {
  url: string;
  close(): Promise<void>;
}

interface BlockSchema {
  name: string;
  javascript?: string;
  stylesheet?: string;
  settings?: Array<{ id: string; default?: unknown }>;
}

const CUSTOMER_COOKIE = "demo_customer_id";
/** The discount code Shopify's /discount/CODE route applied to the cart. */
const DISCOUNT_COOKIE = "demo_discount_code";

export async function startStorefront(options: StorefrontOptions): Promise<Storefront> {
  const extensionDir =
    options.extensionDir ?? path.join(repoRoot, "extensions/ambassadors-theme");
  const engine = createThemeEngine(extensionDir);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("Storefront preview error");
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://storefront.local");
    const customerId = readCookie(req, CUSTOMER_COOKIE) ?? "";

    if (url.pathname.startsWith(options.proxyPathPrefix + "/") || url.pathname === options.proxyPathPrefix) {
      return forwardToAppProxy(req, res, url, customerId);
    }
    if (url.pathname.startsWith("/extension-assets/")) {
      return serveAsset(res, path.join(extensionDir, "assets"), url.pathname.slice("/extension-assets/".length));
    }
    if (url.pathname === "/account/login" && url.searchParams.has("customer_id")) {
      // Demo stand-in for customer login: remembers who is "logged in".
      res.writeHead(303, {
        Location: url.searchParams.get("return_to") || "/",
        "Set-Cookie": `${CUSTOMER_COOKIE}=${encodeURIComponent(url.searchParams.get("customer_id") ?? "")}; Path=/; HttpOnly; SameSite=Lax`,
      });
      return res.end();
    }
    if (url.pathname.startsWith("/discount/")) {
      // Shopify's route behind every share link: applies the code, then lands on `redirect`
      // (a path on the same store only).
      const code = decodeURIComponent(url.pathname.slice("/discount/".length));
      const landing = url.searchParams.get("redirect") ?? "/";
      res.writeHead(302, {
        Location: /^\/(?!\/)/.test(landing) ? landing : "/",
        "Set-Cookie": `${DISCOUNT_COOKIE}=${encodeURIComponent(code)}; Path=/; SameSite=Lax`,
      });
      return res.end();
    }
    if (url.pathname === "/account/logout") {
      res.writeHead(303, { Location: "/", "Set-Cookie": `${CUSTOMER_COOKIE}=; Path=/; Max-Age=0` });
      return res.end();
    }
    const page = PAGES[url.pathname];
    if (!page || req.method !== "GET") {
      res.writeHead(404, { "Content-Type": "text/plain" });
      return res.end("Not found");
    }
    const withBlocks = url.searchParams.get("blocks") !== "off";
    const customer = customerId ? options.findCustomer(customerId) : undefined;
    const html = await renderPage(engine, extensionDir, {
      shopName: options.shopName,
      page,
      customer,
      withBlocks,
      demoLoginCustomerId: options.demoLoginCustomerId,
      discountCode: readCookie(req, DISCOUNT_COOKIE),
      returnTo: url.pathname + url.search,
    });
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  }

  async function forwardToAppProxy(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    customerId: string,
  ) {
    const target = new URL(options.appProxyUrl + url.pathname.slice(options.proxyPathPrefix.length));
    // Shopify drops the shopper's own signature fields, adds its own and signs the lot.
    const extra: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) {
      if (!["signature", "shop", "logged_in_customer_id", "path_prefix", "timestamp"].includes(key)) {
        (extra[key] ??= []).push(value);
      }
    }
    target.search = options.signProxyQuery(customerId, extra).toString();
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    const response = await fetch(target, {
      method: req.method,
      headers: {
        "Content-Type": req.headers["content-type"] ?? "application/octet-stream",
        Accept: req.headers.accept ?? "*/*",
        // Shopify's proxy passes the shopper's user agent and adds their address.
        "User-Agent": req.headers["user-agent"] ?? "",
        "X-Forwarded-For": req.socket.remoteAddress ?? "",
      },
      body: body ? new Uint8Array(body) : undefined,
      redirect: "manual",
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(key)) headers[key] = value;
    });
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface PageDefinition {
  template: "index" | "product" | "collection";
  title: string;
  body: string;
}

// Home, product and collection: the pages Shopify weighs for storefront performance.
const PAGES: Record<string, PageDefinition> = {
  "/": { template: "index", title: "Home", body: "<h1>Welcome to our store</h1><p>Handmade goods, shipped with care.</p>" },
  "/products/demo-product": {
    template: "product",
    title: "Demo product",
    body: "<h1>Demo product</h1><p>$25.00</p><button type=\"button\">Add to cart</button>",
  },
  "/collections/all": {
    template: "collection",
    title: "All products",
    body: "<h1>All products</h1><ul><li><a href=\"/products/demo-product\">Demo product</a></li></ul>",
  },
};

function createThemeEngine(extensionDir: string): LiquidEngine {
  const engine = new Liquid({
    root: path.join(extensionDir, "blocks"),
    partials: path.join(extensionDir, "snippets"),
    extname: ".liquid",
  });
  const translations = JSON.parse(
    fs.readFileSync(path.join(extensionDir, "locales/en.default.json"), "utf8"),
  ) as Record<string, unknown>;
  // Shopify's `t` filter: a dotted key into the extension's locale, with {{ var }} interpolation.
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], translations);
    if (typeof value !== "string") return `translation missing: en.${key}`;
    const vars = Object.fromEntries(args.filter(Array.isArray) as [string, unknown][]);
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => String(vars[name] ?? ""));
  });
  engine.registerFilter("asset_url", (name: string) => `/extension-assets/${name}`);
  // The schema is Shopify's metadata, never output.
  engine.registerTag(
    "schema",
    class extends Tag {
      constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: LiquidEngine) {
        super(token, remainTokens, liquid);
        while (remainTokens.length) {
          const next = remainTokens.shift() as TopLevelToken & { name?: string };
          if (next.name === "endschema") return;
        }
        throw new Error("tag {% schema %} not closed");
      }
      *render(): Generator<unknown, void, unknown> {}
    },
  );
  return engine;
}

export function readBlockSchema(file: string): BlockSchema {
  const source = fs.readFileSync(file, "utf8");
  const match = source.match(/\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/);
  if (!match) throw new Error(`${file} has no {% schema %}`);
  return JSON.parse(match[1]) as BlockSchema;
}

async function renderPage(
  engine: LiquidEngine,
  extensionDir: string,
  context: {
    shopName: string;
    page: PageDefinition;
    customer?: PreviewCustomer;
    withBlocks: boolean;
    demoLoginCustomerId?: string;
    discountCode?: string;
    returnTo: string;
  },
) {
  const loginUrl = context.demoLoginCustomerId
    ? `/account/login?customer_id=${encodeURIComponent(context.demoLoginCustomerId)}&return_to=${encodeURIComponent(context.returnTo)}`
    : "/account/login";
  const head: string[] = [];
  const blocks: string[] = [];
  if (context.withBlocks) {
    const blockDir = path.join(extensionDir, "blocks");
    for (const fileName of fs.readdirSync(blockDir).filter((f) => f.endsWith(".liquid")).sort()) {
      const schema = readBlockSchema(path.join(blockDir, fileName));
      const settings = Object.fromEntries((schema.settings ?? []).map((s) => [s.id, s.default ?? ""]));
      // Shopify adds a block's declared assets once per page (blocks sharing a file get it
      // once): CSS in <head>, JS deferred.
      const assets = [
        schema.stylesheet && `<link rel="stylesheet" href="/extension-assets/${schema.stylesheet}">`,
        schema.javascript && `<script src="/extension-assets/${schema.javascript}" defer></script>`,
      ];
      for (const tag of assets) if (tag && !head.includes(tag)) head.push(tag);
      blocks.push(
        await engine.renderFile(fileName.replace(/\.liquid$/, ""), {
          block: { id: fileName.replace(/\W/g, "-"), settings },
          customer: context.customer ? liquidCustomer(context.customer) : null,
          routes: { root_url: "/", account_login_url: loginUrl },
          shop: { name: context.shopName },
        }),
      );
    }
  }
  const account = context.customer
    ? `Signed in as ${escapeHtml(context.customer.first_name)} · <a href="/account/logout">Log out</a>`
    : context.demoLoginCustomerId
      ? `<a href="${escapeHtml(loginUrl)}">Log in (demo)</a>`
      : "";
  const discount = context.discountCode
    ? `<p class="demo-discount" role="note">Discount code <strong>${escapeHtml(context.discountCode)}</strong> will be applied at checkout.</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(context.page.title)} – ${escapeHtml(context.shopName)}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}header,main,footer{padding:1rem 2rem}header{display:flex;justify-content:space-between;border-bottom:1px solid #eee}nav a{margin-right:1rem}.demo-discount{margin:0;padding:.5rem 2rem;background:#eef6ee}</style>
${head.join("\n")}
</head><body data-template="${context.page.template}">
<header><nav><strong>${escapeHtml(context.shopName)}</strong> <a href="/">Home</a><a href="/collections/all">Catalog</a><a href="/products/demo-product">Product</a></nav><div>${account}</div></header>
${discount}<main>${context.page.body}
${blocks.join("\n")}
</main>
<footer><small>Storefront preview of the Ambassadors theme app extension (demo).</small></footer>
</body></html>`;
}

/**
 * Shopify's `customer` object: `name` is the full name (the preview knows the first), and
 * each metafield is a drop whose `value` is the stored value.
 */
function liquidCustomer(customer: PreviewCustomer) {
  const metafields = Object.fromEntries(
    Object.entries(customer.metafields ?? {}).map(([namespace, keys]) => [
      namespace,
      Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, { value }])),
    ]),
  );
  return { ...customer, name: customer.first_name, metafields };
}

function serveAsset(res: http.ServerResponse, dir: string, name: string) {
  const file = path.join(dir, path.basename(name));
  if (!fs.existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "application/octet-stream";
  res.writeHead(200, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "public, max-age=300" });
  res.end(fs.readFileSync(file));
}

function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie ?? "";
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

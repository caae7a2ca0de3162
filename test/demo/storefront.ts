import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
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
      return serveAsset(req, res, path.join(extensionDir, "assets"), url.pathname.slice("/extension-assets/".length));
    }
    if (url.pathname.startsWith("/theme-assets/")) {
      return serveThemeAsset(req, res, url.pathname.slice("/theme-assets/".length));
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
    sendText(req, res, { "Content-Type": "text/html; charset=utf-8" }, html);
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
    if (response.ok && (response.headers.get("content-type") ?? "").startsWith("application/liquid")) {
      // Shopify renders an app's Liquid answer in the theme's layout, as a page of the store.
      const customer = customerId ? options.findCustomer(customerId) : undefined;
      const liquidContext = {
        customer: customer ? liquidCustomer(customer) : null,
        routes: { root_url: "/", account_login_url: "/account/login" },
        shop: { name: options.shopName },
      };
      const body = String(await engine.parseAndRender(await response.text(), liquidContext));
      const html = await renderPage(engine, extensionDir, {
        shopName: options.shopName,
        page: { template: "page", title: /<h1>([^<]*)<\/h1>/.exec(body)?.[1] ?? "Page", body },
        customer,
        withBlocks: false,
        demoLoginCustomerId: options.demoLoginCustomerId,
        discountCode: readCookie(req, DISCOUNT_COOKIE),
        returnTo: url.pathname + url.search,
      });
      delete headers["content-type"];
      return sendText(req, res, { ...headers, "Content-Type": "text/html; charset=utf-8" }, html);
    }
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
  template: "index" | "product" | "collection" | "page";
  title: string;
  body: string;
}

/** The demo catalogue: twelve products, each with a drawn picture of its own. */
const PRODUCTS = [
  "Linen tote", "Ceramic mug", "Wool beanie", "Beeswax candle", "Oak serving board", "Cotton apron",
  "Leather wallet", "Glass carafe", "Knit scarf", "Clay planter", "Enamel pin", "Canvas notebook",
].map((title, index) => ({
  title,
  handle: index === 0 ? "demo-product" : title.toLowerCase().replace(/\W+/g, "-"),
  price: `$${(18 + ((index * 7) % 40)).toFixed(2)}`,
  image: `/theme-assets/product-${index}.svg`,
}));

// Sizes are given, as themes give them, so that nothing moves as pictures arrive.
function productCard(product: (typeof PRODUCTS)[number], eager = false) {
  return `<li class="card"><a href="/products/${product.handle}"><img src="${product.image}" alt="${escapeHtml(product.title)}" width="400" height="400"${eager ? "" : ' loading="lazy"'}><span class="card__title">${escapeHtml(product.title)}</span></a><span class="card__price">${product.price}</span></li>`;
}

// Home, product and collection: the pages Shopify weighs for storefront performance
// (17 %, 40 % and 43 %), laid out like a theme's.
const PAGES: Record<string, PageDefinition> = {
  "/": {
    template: "index",
    title: "Home",
    body: `<section class="hero"><img src="/theme-assets/hero.svg" alt="Handmade goods on a table" width="1200" height="480" fetchpriority="high"><div class="hero__text"><h1>Welcome to our store</h1><p>Handmade goods, shipped with care.</p><a class="button" href="/collections/all">Shop all</a></div></section>
<section><h2>Featured products</h2><ul class="grid">${PRODUCTS.slice(0, 4).map((p) => productCard(p)).join("")}</ul></section>
<section class="text-columns"><div><h3>Made by hand</h3><p>Every piece comes from a small workshop we know by name.</p></div><div><h3>Free returns</h3><p>Thirty days to change your mind, postage on us.</p></div><div><h3>Shipped with care</h3><p>Plastic-free packaging, tracked delivery.</p></div></section>`,
  },
  "/products/demo-product": {
    template: "product",
    title: "Demo product",
    body: `<div class="product"><img src="${PRODUCTS[0].image}" alt="Demo product" width="600" height="600" fetchpriority="high"><div class="product__info"><h1>Demo product</h1><p class="product__price">$25.00</p><form action="/cart/add" method="post"><label for="quantity">Quantity</label> <input id="quantity" name="quantity" type="number" min="1" value="1"> <button type="button">Add to cart</button></form><p>A sturdy linen tote, stitched by hand, roomy enough for the market run and soft enough to fold into a pocket.</p><ul><li>100% European linen</li><li>40 × 38 cm, 12 cm gusset</li><li>Machine washable at 30 °C</li></ul></div></div>
<section><h2>You may also like</h2><ul class="grid">${PRODUCTS.slice(1, 5).map((p) => productCard(p)).join("")}</ul></section>`,
  },
  "/collections/all": {
    template: "collection",
    title: "All products",
    body: `<h1>All products</h1><p>${PRODUCTS.length} products</p><ul class="grid">${PRODUCTS.map((p, i) => productCard(p, i < 4)).join("")}</ul>`,
  },
};

/** The theme's own stylesheet (render-blocking, as a theme's is), the same with and without our blocks. */
const THEME_CSS = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;line-height:1.5}
header,main,footer{padding:1rem 2rem}header{display:flex;justify-content:space-between;border-bottom:1px solid #eee}
nav a{margin-right:1rem}main{max-width:75rem;margin:0 auto}img{max-width:100%;height:auto;display:block;background:#f3f3f3}
.demo-discount{margin:0;padding:.5rem 2rem;background:#eef6ee}.hero{position:relative}.hero__text{padding:1.5rem 0}
.button{display:inline-block;padding:.75rem 1.5rem;background:#1a1a1a;color:#fff;text-decoration:none;border-radius:.25rem}
.grid{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1.5rem}
.card a{color:inherit;text-decoration:none}.card__title{display:block;margin-top:.5rem}.card__price{color:#555}
.text-columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:2rem;margin:2rem 0}
.product{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:2rem}.product__price{font-size:1.25rem}
footer{border-top:1px solid #eee;margin-top:2rem}`;

/** A drawn picture for each product and the hero (pictures, as a theme has, without binary files). */
function themePicture(name: string): string | undefined {
  const hues = [12, 40, 95, 150, 190, 220, 260, 300, 330, 20, 60, 120];
  if (name === "hero.svg") {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="480" viewBox="0 0 1200 480"><rect width="1200" height="480" fill="hsl(35 45% 88%)"/><rect x="0" y="340" width="1200" height="140" fill="hsl(30 35% 70%)"/><circle cx="300" cy="280" r="90" fill="hsl(12 60% 60%)"/><rect x="520" y="190" width="160" height="160" rx="12" fill="hsl(190 40% 55%)"/><path d="M820 350 L900 170 L980 350 Z" fill="hsl(95 35% 50%)"/></svg>`;
  }
  const match = /^product-(\d+)\.svg$/.exec(name);
  if (!match || Number(match[1]) >= hues.length) return undefined;
  const hue = hues[Number(match[1])];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="hsl(${hue} 40% 92%)"/><circle cx="200" cy="190" r="110" fill="hsl(${hue} 55% 60%)"/><rect x="110" y="300" width="180" height="24" rx="12" fill="hsl(${hue} 30% 40%)"/></svg>`;
}

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
<link rel="stylesheet" href="/theme-assets/theme.css">
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

/** Compressed as Shopify's storefront and CDN send text, when the browser accepts gzip. */
function sendText(req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>, body: string | Buffer) {
  if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    res.writeHead(200, { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
    return res.end(zlib.gzipSync(body));
  }
  res.writeHead(200, headers);
  res.end(body);
}

function serveAsset(req: http.IncomingMessage, res: http.ServerResponse, dir: string, name: string) {
  const file = path.join(dir, path.basename(name));
  if (!fs.existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "application/octet-stream";
  sendText(req, res, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "public, max-age=300" }, fs.readFileSync(file));
}

function serveThemeAsset(req: http.IncomingMessage, res: http.ServerResponse, name: string) {
  const body = name === "theme.css" ? THEME_CSS : themePicture(name);
  if (body === undefined) {
    res.writeHead(404);
    return res.end();
  }
  const type = name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
  sendText(req, res, { "Content-Type": type, "Cache-Control": "public, max-age=300" }, body);
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

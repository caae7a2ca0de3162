import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { Liquid, Tag, type TagToken, type TopLevelToken, type Liquid as LiquidEngine } from "liquidjs";
import { repoRoot } from "./app-config";
import { CATALOGUE, productByHandle, usd, type CatalogueProduct } from "./catalogue";
import { FRAME_RESIZE_SCRIPT, HOSTED_TARGETS, hostedTargetPage } from "./extension-host";

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
  /** Shopify's checkout behind the cart (the local shop's); without it, /checkout is not found. */
  checkout?: PreviewCheckout;
  extensionDir?: string;
  /**
   * Hosts our UI extensions as Shopify would: the Thank you block on the thank-you page
   * and the customer account page at /account/ambassador (test/demo/extension-host.ts).
   */
  uiExtensions?: PreviewUiExtensions;
}

export interface PreviewUiExtensions {
  /** Where the app is. */
  appUrl: string;
  /** The session token Shopify would give the extension: `sub` only for a signed-in customer. */
  mintToken(customerId: string | null): string;
}

export interface PreviewLine {
  title: string;
  quantity: number;
  unitPriceCents: number;
}

/** An order as the thank-you page and the demo's order tools show it. */
export interface PreviewOrder {
  id: string;
  name: string;
  email: string | null;
  firstName: string | null;
  lines: PreviewLine[];
  discountCode: string | null;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  refundedCents: number;
}

/** What the storefront asks of Shopify's checkout (see test/local-shop/checkout.ts). */
export interface PreviewCheckout {
  /** What `code` takes off these lines for this buyer, or why it does not apply. */
  checkDiscount(
    code: string,
    lines: PreviewLine[],
    buyer: { customerId: string | null; email: string | null },
  ): { ok: true; amountCents: number } | { ok: false; message: string };
  /** Shipping, tax and total of the lines after `discountCents`. */
  totals(lines: PreviewLine[], discountCents: number): { shippingCents: number; taxCents: number; totalCents: number };
  /** Places the order; Shopify then notifies the app (orders/create). */
  placeOrder(input: {
    lines: PreviewLine[];
    email: string;
    firstName: string;
    lastName: string;
    customerId: string | null;
    discountCode: string | null;
  }): Promise<{ ok: true; orderId: string } | { ok: false; field: "email" | "discountCode" | "lines"; message: string }>;
  order(orderId: string): PreviewOrder | undefined;
  /** Refunds (all that is left by default), as the merchant would in Shopify admin; Shopify notifies the app. */
  refund(orderId: string, amountCents?: number): Promise<void>;
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
/** The cart: [product handle, quantity] pairs, as JSON. */
const CART_COOKIE = "demo_cart";
const MAX_QUANTITY = 99;

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
    if (url.pathname === "/cart/add" || url.pathname === "/cart/change") {
      if (req.method !== "POST") return notFound(res);
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const product = productByHandle(form.get("handle") ?? "");
      if (!product) return notFound(res);
      const cart = readCart(req);
      const quantity = Math.max(0, Math.min(MAX_QUANTITY, Math.trunc(Number(form.get("quantity") ?? "1")) || 0));
      const held = cart.find(([handle]) => handle === product.handle);
      const wanted = url.pathname === "/cart/add" ? (held?.[1] ?? 0) + Math.max(1, quantity) : quantity;
      const next = cart.filter(([handle]) => handle !== product.handle);
      if (wanted > 0) next.push([product.handle, Math.min(MAX_QUANTITY, wanted)]);
      res.writeHead(303, { Location: "/cart", "Set-Cookie": cartCookie(next) });
      return res.end();
    }
    if (url.pathname === "/cart" && req.method === "GET") {
      return sendPage(req, res, url, customerId, { template: "page", title: "Your cart", body: cartBody(cartLines(readCart(req)), readCookie(req, DISCOUNT_COOKIE)) });
    }
    const checkout = options.checkout;
    if (checkout && url.pathname === "/checkout") {
      return handleCheckout(req, res, url, customerId, checkout);
    }
    const thanks = /^\/thank-you\/(\d+)$/.exec(url.pathname);
    if (checkout && thanks && req.method === "GET") {
      const order = checkout.order(thanks[1]);
      if (!order) return notFound(res);
      return sendPage(req, res, url, customerId, { template: "page", title: `Order ${order.name}`, body: thankYouBody(order, options.uiExtensions ? { signedIn: Boolean(customerId) } : null) });
    }
    const extensions = options.uiExtensions;
    if (extensions && url.pathname === "/demo/extension-token" && req.method === "GET") {
      // What shopify.sessionToken.get() answers inside Shopify: signed for the signed-in customer.
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "private, no-store" });
      return res.end(JSON.stringify({ token: extensions.mintToken(customerId || null) }));
    }
    const hosted = /^\/demo\/extensions\/(thank-you|account-page)$/.exec(url.pathname);
    if (extensions && hosted && req.method === "GET") {
      const target = hosted[1] === "thank-you" ? HOSTED_TARGETS.thankYou : HOSTED_TARGETS.accountPage;
      const html = await hostedTargetPage(target, {
        appUrl: extensions.appUrl,
        tokenPath: "/demo/extension-token",
        language: url.searchParams.get("lang") === "fr" ? "fr" : "en",
      });
      return sendText(req, res, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }, html);
    }
    if (extensions && url.pathname === "/account/ambassador" && req.method === "GET") {
      return sendPage(req, res, url, customerId, { template: "page", title: "Your account: Ambassadors", body: accountPageBody(Boolean(customerId), url.searchParams.get("lang")) });
    }
    const refund = /^\/demo\/orders\/(\d+)\/refund$/.exec(url.pathname);
    if (checkout && refund && req.method === "POST") {
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const amount = form.get("amount")?.trim();
      const cents = amount ? Math.round(Number(amount) * 100) : undefined;
      const order = checkout.order(refund[1]);
      if (!order || (cents !== undefined && !(cents > 0))) return notFound(res);
      await checkout.refund(order.id, cents);
      const back = form.get("return_to") ?? "";
      res.writeHead(303, { Location: /^\/(?!\/)/.test(back) ? back : `/thank-you/${order.id}` });
      return res.end();
    }
    if (url.pathname === "/account/logout") {
      res.writeHead(303, { Location: "/", "Set-Cookie": `${CUSTOMER_COOKIE}=; Path=/; Max-Age=0` });
      return res.end();
    }
    const page = PAGES[url.pathname];
    if (!page || req.method !== "GET") return notFound(res);
    return sendPage(req, res, url, customerId, page, { withBlocks: url.searchParams.get("blocks") !== "off" });
  }

  async function sendPage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    customerId: string,
    page: PageDefinition,
    { withBlocks = false, cookies = [] as string[], status = 200 } = {},
  ) {
    const customer = customerId ? options.findCustomer(customerId) : undefined;
    const html = await renderPage(engine, extensionDir, {
      shopName: options.shopName,
      page,
      customer,
      withBlocks,
      demoLoginCustomerId: options.demoLoginCustomerId,
      discountCode: readCookie(req, DISCOUNT_COOKIE),
      cartCount: readCart(req).reduce((sum, [, quantity]) => sum + quantity, 0),
      returnTo: url.pathname + url.search,
    });
    const headers: Record<string, string | string[]> = { "Content-Type": "text/html; charset=utf-8" };
    if (cookies.length > 0) headers["Set-Cookie"] = cookies;
    sendText(req, res, headers, html, status);
  }

  /**
   * Shopify's checkout, one page: contact, the discount code (the one /discount/CODE
   * applied is filled in), the order summary, and "Pay now", which places the order and
   * lands on the thank-you page.
   */
  async function handleCheckout(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    customerId: string,
    checkout: PreviewCheckout,
  ) {
    const lines = cartLines(readCart(req));
    if (lines.length === 0) {
      res.writeHead(303, { Location: "/cart" });
      return res.end();
    }
    const customer = customerId ? options.findCustomer(customerId) : undefined;
    const form =
      req.method === "POST" ? new URLSearchParams((await readBody(req)).toString("utf8")) : new URLSearchParams();
    const fields: CheckoutFields = {
      email: form.get("email") ?? customer?.email ?? "",
      firstName: form.get("first_name") ?? customer?.first_name ?? "",
      lastName: form.get("last_name") ?? "",
      discountCode: (form.has("discount_code") ? form.get("discount_code") : readCookie(req, DISCOUNT_COOKIE)) ?? "",
    };
    const errors: Partial<Record<"email" | "discountCode" | "lines", string>> = {};
    const buyer = { customerId: customerId || null, email: fields.email.trim() || null };
    const code = fields.discountCode.trim();
    const check = code ? checkout.checkDiscount(code, lines, buyer) : null;
    if (check && !check.ok) errors.discountCode = check.message;
    // Shopify keeps the code entered at checkout for the rest of the visit.
    const cookies = form.has("discount_code")
      ? [code ? `${DISCOUNT_COOKIE}=${encodeURIComponent(code)}; Path=/; SameSite=Lax` : `${DISCOUNT_COOKIE}=; Path=/; Max-Age=0`]
      : [];

    if (req.method === "POST" && form.get("intent") === "pay" && !errors.discountCode) {
      const placed = await checkout.placeOrder({
        lines,
        email: fields.email,
        firstName: fields.firstName,
        lastName: fields.lastName,
        customerId: customerId || null,
        discountCode: code || null,
      });
      if (placed.ok) {
        res.writeHead(303, {
          Location: `/thank-you/${placed.orderId}`,
          "Set-Cookie": [`${CART_COOKIE}=; Path=/; Max-Age=0`, `${DISCOUNT_COOKIE}=; Path=/; Max-Age=0`],
        });
        return res.end();
      }
      errors[placed.field] = placed.message;
    } else if (req.method !== "GET" && req.method !== "POST") {
      return notFound(res);
    }
    const discountCents = check?.ok ? check.amountCents : 0;
    const body = checkoutBody(fields, errors, lines, discountCents, code, checkout.totals(lines, discountCents));
    const invalid = Object.keys(errors).length > 0 && req.method === "POST";
    return sendPage(req, res, url, customerId, { template: "page", title: "Checkout", body }, { cookies, status: invalid ? 422 : 200 });
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
        cartCount: readCart(req).reduce((sum, [, quantity]) => sum + quantity, 0),
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
const PRODUCTS = CATALOGUE;

// Sizes are given, as themes give them, so that nothing moves as pictures arrive.
function productCard(product: CatalogueProduct, eager = false) {
  return `<li class="card"><a href="/products/${product.handle}"><img src="${product.image}" alt="${escapeHtml(product.cardTitle)}" width="400" height="400"${eager ? "" : ' loading="lazy"'}><span class="card__title">${escapeHtml(product.cardTitle)}</span></a><span class="card__price">${usd(product.priceCents)}</span></li>`;
}

/** The product form: adds the product to the cart (the storefront's /cart/add). */
function addToCartForm(product: CatalogueProduct) {
  return `<form action="/cart/add" method="post"><input type="hidden" name="handle" value="${product.handle}"><label for="quantity">Quantity</label> <input id="quantity" name="quantity" type="number" min="1" max="${MAX_QUANTITY}" value="1"> <button type="submit">Add to cart</button></form>`;
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
    body: `<div class="product"><img src="${PRODUCTS[0].image}" alt="Demo product" width="600" height="600" fetchpriority="high"><div class="product__info"><h1>Demo product</h1><p class="product__price">${usd(PRODUCTS[0].priceCents)}</p>${addToCartForm(PRODUCTS[0])}<p>A sturdy linen tote, stitched by hand, roomy enough for the market run and soft enough to fold into a pocket.</p><ul><li>100% European linen</li><li>40 × 38 cm, 12 cm gusset</li><li>Machine washable at 30 °C</li></ul></div></div>
<section><h2>You may also like</h2><ul class="grid">${PRODUCTS.slice(1, 5).map((p) => productCard(p)).join("")}</ul></section>`,
  },
  "/collections/all": {
    template: "collection",
    title: "All products",
    body: `<h1>All products</h1><p>${PRODUCTS.length} products</p><ul class="grid">${PRODUCTS.map((p, i) => productCard(p, i < 4)).join("")}</ul>`,
  },
  // The other products, on the same template as the demo product.
  ...Object.fromEntries(
    PRODUCTS.slice(1).map((product, index) => [
      `/products/${product.handle}`,
      {
        template: "product" as const,
        title: product.title,
        body: `<div class="product"><img src="${product.image}" alt="${escapeHtml(product.title)}" width="600" height="600" fetchpriority="high"><div class="product__info"><h1>${escapeHtml(product.title)}</h1><p class="product__price">${usd(product.priceCents)}</p>${addToCartForm(product)}<p>Made by hand in a small workshop we know by name.</p></div></div>
<section><h2>You may also like</h2><ul class="grid">${[1, 2, 3, 4].map((k) => productCard(PRODUCTS[(index + 1 + k) % PRODUCTS.length])).join("")}</ul></section>`,
      },
    ]),
  ),
};

/** The cart's lines at catalogue prices (unknown handles dropped). */
function cartLines(cart: [string, number][]): PreviewLine[] {
  return cart.flatMap(([handle, quantity]) => {
    const product = productByHandle(handle);
    return product ? [{ title: product.title, quantity, unitPriceCents: product.priceCents }] : [];
  });
}

function summaryRows(lines: PreviewLine[]) {
  return lines
    .map((line) => `<tr><th scope="row">${escapeHtml(line.title)} × ${line.quantity}</th><td>${usd(line.quantity * line.unitPriceCents)}</td></tr>`)
    .join("");
}

function cartBody(lines: PreviewLine[], discountCode: string | undefined) {
  if (lines.length === 0) {
    return `<h1>Your cart</h1><p>Your cart is empty.</p><p><a class="button" href="/collections/all">Continue shopping</a></p>`;
  }
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return `<h1>Your cart</h1>
<table class="summary"><tbody>${summaryRows(lines)}</tbody><tfoot><tr><th scope="row">Subtotal</th><td>${usd(subtotal)}</td></tr></tfoot></table>
${discountCode ? `<p>Discount code <strong>${escapeHtml(discountCode)}</strong> will be applied at checkout.</p>` : "<p>Discount codes are entered at checkout.</p>"}
<p><a class="button" href="/checkout">Check out</a></p>`;
}

interface CheckoutFields {
  email: string;
  firstName: string;
  lastName: string;
  discountCode: string;
}

function field(id: string, label: string, value: string, attributes: string, error?: string) {
  const described = error ? ` aria-invalid="true" aria-describedby="${id}-error"` : "";
  return `<p class="field"><label for="${id}">${label}</label><input id="${id}" name="${id}" value="${escapeHtml(value)}" ${attributes}${described}>${error ? `<span class="field__error" id="${id}-error">${escapeHtml(error)}</span>` : ""}</p>`;
}

function checkoutBody(
  fields: CheckoutFields,
  errors: Partial<Record<"email" | "discountCode" | "lines", string>>,
  lines: PreviewLine[],
  discountCents: number,
  code: string,
  totals: { shippingCents: number; taxCents: number; totalCents: number },
) {
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return `<h1>Checkout</h1>
<form class="checkout" method="post" action="/checkout" novalidate>
<section><h2>Contact</h2>
${field("email", "Email", fields.email, 'type="email" autocomplete="email" required', errors.email)}
${field("first_name", "First name", fields.firstName, 'autocomplete="given-name"')}
${field("last_name", "Last name", fields.lastName, 'autocomplete="family-name"')}
</section>
<section><h2>Discount</h2>
${field("discount_code", "Discount code", fields.discountCode, 'autocomplete="off"', errors.discountCode)}
<p><button type="submit" name="intent" value="apply">Apply</button></p>
</section>
<section aria-labelledby="summary-heading"><h2 id="summary-heading">Order summary</h2>
<table class="summary"><tbody>${summaryRows(lines)}</tbody><tfoot>
<tr><th scope="row">Subtotal</th><td>${usd(subtotal)}</td></tr>
${discountCents > 0 ? `<tr><th scope="row">Discount (${escapeHtml(code.toUpperCase())})</th><td>${usd(-discountCents)}</td></tr>` : ""}
<tr><th scope="row">Shipping</th><td>${totals.shippingCents ? usd(totals.shippingCents) : "Free"}</td></tr>
<tr><th scope="row">Tax</th><td>${usd(totals.taxCents)}</td></tr>
<tr><th scope="row">Total</th><td><strong>${usd(totals.totalCents)}</strong></td></tr>
</tfoot></table>
</section>
${errors.lines ? `<p role="alert">${escapeHtml(errors.lines)}</p>` : ""}
<p><button class="button" type="submit" name="intent" value="pay">Pay now</button></p>
</form>`;
}

/** An extension target in its sandbox: an iframe sized to its content. */
function extensionFrame(src: string, title: string, initialHeight: number) {
  return `<iframe data-extension src="${escapeHtml(src)}" title="${escapeHtml(title)}" style="width:100%;border:0;display:block;height:${initialHeight}px"></iframe>${FRAME_RESIZE_SCRIPT}`;
}

function accountPageBody(signedIn: boolean, lang: string | null) {
  const query = lang === "fr" ? "?lang=fr" : "";
  return `<h1>Your account</h1>
${signedIn ? extensionFrame(`/demo/extensions/account-page${query}`, "Ambassador program (customer account page)", 200) : "<p>Log in to see your ambassador page.</p>"}`;
}

/** `extension`: host the Thank you block (Shopify renders it for guests too; it shows them nothing). */
function thankYouBody(order: PreviewOrder, extension: { signedIn: boolean } | null = null) {
  const subtotal = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  const left = order.totalCents - order.refundedCents;
  const status = order.refundedCents === 0 ? "Paid" : left > 0 ? "Partially refunded" : "Refunded";
  return `<h1>Thank you${order.firstName ? `, ${escapeHtml(order.firstName)}` : ""}!</h1>
<p>Order <strong>${escapeHtml(order.name)}</strong> is confirmed. A confirmation was sent to ${escapeHtml(order.email ?? "you")}.</p>
<table class="summary" aria-label="Order summary"><tbody>${summaryRows(order.lines)}</tbody><tfoot>
<tr><th scope="row">Subtotal</th><td>${usd(subtotal)}</td></tr>
${order.discountCode ? `<tr><th scope="row">Discount (${escapeHtml(order.discountCode.toUpperCase())})</th><td>${usd(-order.discountCents)}</td></tr>` : ""}
<tr><th scope="row">Shipping</th><td>${order.shippingCents ? usd(order.shippingCents) : "Free"}</td></tr>
<tr><th scope="row">Tax</th><td>${usd(order.taxCents)}</td></tr>
<tr><th scope="row">Total</th><td><strong>${usd(order.totalCents)}</strong></td></tr>
${order.refundedCents > 0 ? `<tr><th scope="row">Refunded</th><td>${usd(-order.refundedCents)}</td></tr>` : ""}
</tfoot></table>
<p>Payment status: <strong data-testid="payment-status">${status}</strong></p>
${extension ? `<section aria-label="Ambassadors (Thank you block)">${extensionFrame("/demo/extensions/thank-you", "Ambassadors (Thank you block)", 40)}
${extension.signedIn ? `<p><a href="/account/ambassador">Your account's ambassador page</a></p>` : ""}</section>` : ""}
<p><a href="/">Continue shopping</a></p>
<section class="demo-tools" aria-labelledby="demo-tools-heading"><h2 id="demo-tools-heading">Demo tools</h2>
<p>What the merchant would do in Shopify admin: Shopify then tells the app (refunds/create).</p>
${left > 0 ? `<form method="post" action="/demo/orders/${order.id}/refund"><input type="hidden" name="return_to" value="/thank-you/${order.id}"><button type="submit">Refund this order (${usd(left)})</button></form>
<form method="post" action="/demo/orders/${order.id}/refund"><input type="hidden" name="return_to" value="/thank-you/${order.id}"><label for="refund-amount">Partial refund, in dollars</label> <input id="refund-amount" name="amount" type="number" min="0.01" step="0.01" max="${(left / 100).toFixed(2)}" required> <button type="submit">Refund amount</button></form>` : "<p>Nothing left to refund.</p>"}
</section>`;
}

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
footer{border-top:1px solid #eee;margin-top:2rem}
.summary{border-collapse:collapse;min-width:20rem}.summary th,.summary td{padding:.35rem .5rem;text-align:left;border-bottom:1px solid #eee}
.summary td{text-align:right}.field label{display:block;font-weight:600}.field input{padding:.5rem;min-width:18rem}
.field__error{display:block;color:#b00020}.demo-tools{margin-top:2rem;padding:1rem;border:1px dashed #999;background:#fafafa}`;

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
    cartCount?: number;
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
<header><nav><strong>${escapeHtml(context.shopName)}</strong> <a href="/">Home</a><a href="/collections/all">Catalog</a><a href="/products/demo-product">Product</a><a href="/cart">Cart${context.cartCount ? ` (${context.cartCount})` : ""}</a></nav><div>${account}</div></header>
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
function sendText(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
  status = 200,
) {
  if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    res.writeHead(status, { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
    return res.end(zlib.gzipSync(body));
  }
  res.writeHead(status, headers);
  res.end(body);
}

function notFound(res: http.ServerResponse) {
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("Not found");
}

function readCart(req: http.IncomingMessage): [string, number][] {
  try {
    const parsed = JSON.parse(readCookie(req, CART_COOKIE) ?? "[]") as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (item): item is [string, number] =>
        Array.isArray(item) && typeof item[0] === "string" && Number.isInteger(item[1]) && item[1] > 0 && item[1] <= MAX_QUANTITY,
    );
  } catch {
    return [];
  }
}

function cartCookie(cart: [string, number][]) {
  return `${CART_COOKIE}=${encodeURIComponent(JSON.stringify(cart))}; Path=/; SameSite=Lax`;
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

/**
 * Six months of the demo shop's ambassador program, as data: who the ambassadors are and
 * when they joined, which orders came through each code and what became of them (refunds,
 * a cancellation), which referred customers came back, the self-referral, the leaked-code
 * spike, the share-link clicks, the payouts, news, feedback, content and applications.
 *
 * `planDemoHistory` draws it from a seeded RNG against the local shop's seeded customers,
 * with every date relative to `now`: the same seed and shop give the same history on any
 * day. `placeDemoOrders` puts its orders into the local shop, where they are real orders
 * with discount codes; `seedDemoProgram` (demo-program.ts) lets the app live through it.
 *
 * The plan is also the definition the demo's integration test computes the Dashboard's
 * figures from by hand, so it is plain data, and its rules are written out here:
 * - orders: 1–3 catalogue products, the program's 10 % off the items, shipping $5.99 under
 *   $50 (after the discount), 8 % tax on the discounted subtotal;
 * - a referred buyer is new (a customer created at that checkout, ~68 %), an existing
 *   customer of the shop with an earlier order (~24 %), or a guest (~8 %);
 * - ~4 % of orders are refunded in full, ~7 % in part, one is cancelled;
 * - 45 % of the new customers come back (1–3 orders without a code).
 */
import { mulberry32 } from "#/local-shop/seed";
import type { CustomerRecord, OrderRecord } from "#/local-shop/records";
import type { LocalShopStore } from "#/local-shop/store";
import { orderAmounts } from "#/local-shop/order-amounts";
import { CATALOGUE } from "#/demo/catalogue";

export const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** How long the program has run: six months and a bit, so its first customers' 180-day windows have closed. */
export const PROGRAM_DAYS = 200;

/** The program's rules, as the merchant set them (Rewards settings, tiers, milestones). */
export const DEMO_PROGRAM = {
  discountPercent: 10,
  commissionBasisPoints: 1_000,
  holdDays: 30,
  /** A code used by more new customers than this within 24 hours is flagged as leaked. */
  leakOrdersPerDay: 10,
  tiers: [
    { name: "Silver", minOrders: 10, minSalesCents: 0, commissionBasisPoints: 1_200, tag: "ambassador-silver" },
    { name: "Gold", minOrders: 25, minSalesCents: 200_000, commissionBasisPoints: 1_500, tag: "ambassador-gold" },
  ],
  milestones: [
    { name: "First 5 orders", minOrders: 5, minSalesCents: 0, bonusCents: 1_000 },
    { name: "$1,500 in sales", minOrders: 0, minSalesCents: 150_000, bonusCents: 2_500 },
  ],
} as const;

export type Level = "star" | "steady" | "occasional" | "quiet";

/** Orders per 30 days of each level, and share-link visitors per day. */
const LEVELS: Record<Level, { count: number; ordersPer30Days: number; clicksPerDay: number }> = {
  star: { count: 5, ordersPer30Days: 8, clicksPerDay: 5 },
  steady: { count: 13, ordersPer30Days: 3, clicksPerDay: 2 },
  occasional: { count: 16, ordersPer30Days: 1, clicksPerDay: 0.6 },
  quiet: { count: 6, ordersPer30Days: 0.15, clicksPerDay: 0.2 },
};

export interface PlannedAmbassador {
  /** "a01" … "a40". */
  key: string;
  /** The local shop customer (numeric id) they are. */
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  code: string;
  level: Level;
  joinedAt: number;
  status: "active" | "paused" | "removed";
  /** When they were paused or removed. */
  statusChangedAt: number | null;
}

export type PlannedBuyer =
  /** Created at this checkout: their first order with the shop. */
  | { kind: "new"; firstName: string; lastName: string; email: string; createdAt: number }
  /** A customer of the shop with earlier orders. */
  | { kind: "existing"; customerId: string }
  | { kind: "guest"; email: string }
  /** The ambassador with their own code. */
  | { kind: "self" };

export interface PlannedLine {
  title: string;
  quantity: number;
  unitPriceCents: number;
}

export interface PlannedOrder {
  key: string;
  /** PlannedAmbassador.key */
  ambassador: string;
  /** As typed at checkout (sometimes in lower case). */
  code: string;
  buyer: PlannedBuyer;
  at: number;
  lines: PlannedLine[];
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  refund: { at: number; amountCents: number } | null;
  cancelledAt: number | null;
  /** Part of the leaked-code spike. */
  leak: boolean;
  /** A new customer's later orders (no code: the program's codes are once per customer). */
  returns: { at: number; lines: PlannedLine[]; shippingCents: number; taxCents: number }[];
}

export interface DemoHistoryPlan {
  now: number;
  /** When the program started (the first ambassadors joined then). */
  startedAt: number;
  ambassadors: PlannedAmbassador[];
  /** Oldest first. */
  orders: PlannedOrder[];
  /** The active ambassador with few orders and no tier the demo's story shops with. */
  storyAmbassador: string;
  leak: { ambassador: string; from: number; to: number };
  selfReferral: string;
  cancellation: string;
  clicks: { ambassador: string; day: string; visitors: number }[];
  payouts: { paid: { ambassadors: string[]; createdAt: number; paidAt: number; reference: string }; pending: { ambassadors: string[]; createdAt: number } };
  news: { title: string; body: string; at: number }[];
  feedback: { ambassador: string; rating: number | null; message: string; at: number; read: boolean }[];
  content: { ambassador: string; url: string; note: string; at: number }[];
  applications: { name: string; email: string; socialHandle: string; reason: string; at: number }[];
}

/** Money of a planned order (the local shop's rules: see order-amounts.ts). */
export function plannedTotals(lines: PlannedLine[], discountCents: number, shippingCents: number, taxCents: number) {
  const items = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return { items, totalCents: items - discountCents + shippingCents + taxCents };
}

const FIRST_NAMES = [
  "Amara", "Bodhi", "Cleo", "Dario", "Elif", "Farah", "Gus", "Hana", "Idris", "Juno", "Kai", "Lena",
  "Milo", "Nadia", "Otto", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Vik", "Wren", "Yara", "Zane",
];
const LAST_NAMES = [
  "Abbott", "Brooks", "Castillo", "Dube", "Eriksen", "Fischer", "Gomez", "Haddad", "Ito", "Jensen",
  "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rossi", "Sato", "Tanaka",
];

export interface PlanOptions {
  now: number;
  /** PRNG seed (the local shop's seed draws the shop; this one the program). */
  seed?: number;
}

/**
 * The plan, from the local shop as seeded (its customers and their orders) and `now`.
 * Reads the store only: `placeDemoOrders` changes it.
 */
export function planDemoHistory(store: LocalShopStore, options: PlanOptions): DemoHistoryPlan {
  const random = mulberry32(options.seed ?? 17);
  const now = options.now;
  const startedAt = now - PROGRAM_DAYS * DAY;
  const between = (from: number, to: number) => from + Math.floor(random() * Math.max(1, to - from));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const counting = (o: OrderRecord) => !o.cancelledAt && !o.test && orderAmounts(o).refundedCents < orderAmounts(o).totalCents;

  // ---- the ambassadors: repeat buyers of the shop, with an email ------------------------
  const repeatBuyers = store.customers.filter(
    (c) => c.email && store.ordersOf(c.id).filter(counting).length >= 2 && store.ordersOf(c.id)[0].createdAt < startedAt,
  );
  const shuffled = [...repeatBuyers];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const total = Object.values(LEVELS).reduce((sum, level) => sum + level.count, 0);
  if (shuffled.length < total) throw new Error(`The demo history needs ${total} repeat buyers; the shop has ${shuffled.length}`);
  const levels = (Object.keys(LEVELS) as Level[]).flatMap((level) => Array<Level>(LEVELS[level].count).fill(level));
  const codes = new Set<string>();
  const ambassadors: PlannedAmbassador[] = levels.map((level, index) => {
    const customer = shuffled[index];
    let code: string;
    do {
      const name = (customer.firstName ?? "AMB").toUpperCase().replace(/[^A-Z]/g, "") || "AMB";
      code = `${name}${String(between(100, 1000))}`;
    } while (codes.has(code));
    codes.add(code);
    // The launch: the stars and five steady ones; the others joined over the months since.
    const launch = level === "star" || index < LEVELS.star.count + 5;
    const joinedAt = launch ? between(startedAt, startedAt + 4 * DAY) : between(now - 185 * DAY, now - 15 * DAY);
    return {
      key: `a${String(index + 1).padStart(2, "0")}`,
      customerId: customer.legacyResourceId,
      firstName: customer.firstName ?? "",
      lastName: customer.lastName ?? "",
      email: customer.email as string,
      code,
      level,
      joinedAt,
      status: "active",
      statusChangedAt: null,
    };
  });
  const byLevel = (level: Level) => ambassadors.filter((a) => a.level === level);

  // Who plays a part: the first star refers themselves; the first steady one's code leaks
  // 12 days ago and the merchant pauses them the next day; an occasional one was removed
  // 40 days ago; another occasional one is the story's.
  const selfReferrer = byLevel("star")[0];
  const leaker = byLevel("steady")[0];
  const removed = byLevel("occasional")[1];
  const story = byLevel("occasional")[0];
  const leakFrom = Date.UTC(new Date(now - 12 * DAY).getUTCFullYear(), new Date(now - 12 * DAY).getUTCMonth(), new Date(now - 12 * DAY).getUTCDate(), 14);
  const leakTo = leakFrom + 5 * HOUR;
  leaker.status = "paused";
  leaker.statusChangedAt = leakTo + 15 * HOUR;
  removed.status = "removed";
  removed.statusChangedAt = between(now - 41 * DAY, now - 39 * DAY);

  // ---- their orders ------------------------------------------------------------------
  const existingPool = store.customers.filter((c) => !ambassadors.some((a) => a.customerId === c.legacyResourceId));
  const usedExisting = new Set<string>();
  const emails = new Set<string>();
  const newBuyer = (at: number): PlannedBuyer => {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    let email = `${firstName}.${lastName}@mail.example`.toLowerCase();
    for (let n = 2; emails.has(email); n++) email = `${firstName}.${lastName}${n}@mail.example`.toLowerCase();
    emails.add(email);
    return { kind: "new", firstName, lastName, email, createdAt: at - between(5 * MINUTE, 60 * MINUTE) };
  };
  const existingBuyer = (at: number): PlannedBuyer | null => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const customer = pick(existingPool);
      const earlier = store.ordersOf(customer.id).filter((o) => counting(o) && o.createdAt < at - 7 * DAY);
      if (customer.email && earlier.length > 0 && !usedExisting.has(customer.legacyResourceId)) {
        usedExisting.add(customer.legacyResourceId);
        return { kind: "existing", customerId: customer.legacyResourceId };
      }
    }
    return null;
  };
  const drawLines = (): PlannedLine[] =>
    Array.from({ length: 1 + Math.floor(random() * random() * 3) }, () => {
      const product = pick(CATALOGUE);
      return { title: product.title, quantity: random() < 0.8 ? 1 : 2, unitPriceCents: product.priceCents };
    });
  const money = (lines: PlannedLine[], discounted: boolean) => {
    const items = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    const discountCents = discounted ? Math.round((items * DEMO_PROGRAM.discountPercent) / 100) : 0;
    const subtotal = items - discountCents;
    return { discountCents, shippingCents: subtotal >= 5_000 ? 0 : 599, taxCents: Math.round(subtotal * 0.08) };
  };

  const orders: PlannedOrder[] = [];
  const addOrder = (ambassador: PlannedAmbassador, at: number, buyer: PlannedBuyer, extra: { leak?: boolean } = {}) => {
    const lines = drawLines();
    const { discountCents, shippingCents, taxCents } = money(lines, true);
    const { totalCents } = plannedTotals(lines, discountCents, shippingCents, taxCents);
    const fate = random();
    let refund: PlannedOrder["refund"] = null;
    if (!extra.leak && fate < 0.11) {
      const refundAt = at + between(2 * DAY, 15 * DAY);
      const full = fate < 0.04;
      if (refundAt < now - HOUR) refund = { at: refundAt, amountCents: full ? totalCents : Math.round(totalCents * (0.3 + random() * 0.3)) };
    }
    const returns: PlannedOrder["returns"] = [];
    if (buyer.kind === "new" && random() < 0.45) {
      const count = 1 + (random() < 0.35 ? 1 : 0) + (random() < 0.1 ? 1 : 0);
      let when = at;
      for (let k = 0; k < count; k++) {
        when += between(8 * DAY, 120 * DAY);
        if (when >= now - HOUR) break;
        const returnLines = drawLines();
        returns.push({ at: when, lines: returnLines, ...money(returnLines, false) });
      }
    }
    orders.push({
      key: "",
      ambassador: ambassador.key,
      code: random() < 0.15 ? ambassador.code.toLowerCase() : ambassador.code,
      buyer,
      at,
      lines,
      discountCents,
      shippingCents,
      taxCents,
      refund,
      cancelledAt: null,
      leak: extra.leak ?? false,
      returns,
    });
  };

  for (const ambassador of ambassadors) {
    const from = ambassador.joinedAt + 2 * DAY;
    const to = ambassador.statusChangedAt ?? now - 2 * HOUR;
    const rate = LEVELS[ambassador.level].ordersPer30Days;
    let count = Math.round(((rate * (to - from)) / (30 * DAY)) * (0.75 + random() * 0.5));
    // Occasional ambassadors stay below the Silver tier's 10 orders.
    if (ambassador.level === "occasional") count = Math.min(count, 6);
    // The story's ambassador has two orders: the story's third crosses no milestone.
    if (ambassador === story) count = 2;
    const times = Array.from({ length: count }, () => between(from, to)).sort((a, b) => a - b);
    for (const at of times) {
      // No order of the leaker's inside the day of the spike: the spike is the leak alone.
      if (ambassador === leaker && at > leakFrom - DAY && at < leakTo + DAY) continue;
      const r = random();
      const buyer = r < 0.68 ? newBuyer(at) : r < 0.92 ? (existingBuyer(at) ?? newBuyer(at)) : { kind: "guest" as const, email: `guest${between(10_000, 99_999)}@mail.example` };
      addOrder(ambassador, at, buyer);
    }
  }
  // The leak: 14 new customers in five hours, most typing the code as a coupon site shows it.
  for (let k = 0; k < 14; k++) {
    const at = leakFrom + Math.floor(((k + random() * 0.9) * (leakTo - leakFrom)) / 14);
    addOrder(leaker, at, newBuyer(at), { leak: true });
  }
  const selfAt = now - 50 * DAY + 3 * HOUR;
  addOrder(selfReferrer, selfAt, { kind: "self" });

  orders.sort((a, b) => a.at - b.at);
  orders.forEach((order, index) => (order.key = `o${String(index + 1).padStart(3, "0")}`));
  const selfReferral = orders.find((o) => o.buyer.kind === "self")!;
  selfReferral.refund = null;
  selfReferral.returns = [];
  // The cancellation: the steady ambassadors' order closest to 20 days ago, cancelled within hours.
  const cancelled = orders
    .filter((o) => byLevel("steady").some((a) => a.key === o.ambassador) && !o.leak && o.buyer.kind === "new")
    .reduce((best, o) => (Math.abs(o.at - (now - 20 * DAY)) < Math.abs(best.at - (now - 20 * DAY)) ? o : best));
  cancelled.cancelledAt = cancelled.at + 3 * HOUR;
  cancelled.refund = null;
  cancelled.returns = [];

  // ---- clicks: visitors per day since joining, until paused or removed ----------------
  const clicks: DemoHistoryPlan["clicks"] = [];
  for (const ambassador of ambassadors) {
    const end = ambassador.statusChangedAt ?? now;
    for (let day = ambassador.joinedAt; day < end; day += DAY) {
      const visitors = Math.floor(LEVELS[ambassador.level].clicksPerDay * (0.5 + random()) + random() * 0.6);
      if (visitors > 0) clicks.push({ ambassador: ambassador.key, day: new Date(day).toISOString().slice(0, 10), visitors });
    }
  }

  // ---- payouts: last month's run paid by bank transfer; this month's still to pay --------
  const active = ambassadors.filter((a) => a.status === "active");
  const payouts: DemoHistoryPlan["payouts"] = {
    paid: {
      ambassadors: [...byLevel("star"), ...byLevel("steady").slice(1, 7)].filter((a) => a.status === "active").map((a) => a.key),
      createdAt: now - 8 * DAY,
      paidAt: now - 6 * DAY,
      reference: "Bank transfer, monthly run",
    },
    pending: { ambassadors: byLevel("steady").slice(7).map((a) => a.key), createdAt: now - 1 * DAY },
  };

  const news = [
    { title: "Welcome to our ambassador program", body: "Thank you for loving the shop! Your code gives your friends 10 % off, and you earn 10 % of every order they place.", at: startedAt + 2 * HOUR },
    { title: "Silver and Gold", body: "Ten orders through your code make you Silver (12 %); 25 orders and $2,000 in sales make you Gold (15 %).", at: startedAt + 30 * DAY },
    { title: "Early access: the autumn collection", body: "Ambassadors see the new ceramics a week before everyone else. Share your link with a friend who has been waiting for them.", at: now - 75 * DAY },
    { title: "Meet-up at the workshop", body: "Come and meet the makers on Saturday afternoon. Coffee is on us.", at: now - 33 * DAY },
    { title: "The holiday gift guide is live", body: "Twelve gifts under $50. Your code works on all of them.", at: now - 4 * DAY },
  ];
  const feedbackTexts: [number | null, string][] = [
    [5, "My friends love the mugs. Could we get a code for a bundle?"],
    [4, "The share link works great on Instagram stories."],
    [5, "Got my first payout, thank you!"],
    [3, "Two friends said the code did not work with the sale items."],
    [null, "Would love some photos of the new collection to share."],
    [4, "The portal is easy to use. A monthly summary email would be nice."],
  ];
  const feedback = feedbackTexts.map(([rating, message], index) => {
    const ambassador = active[(index * 5) % active.length];
    return { ambassador: ambassador.key, rating, message, at: between(Math.max(ambassador.joinedAt, now - 60 * DAY), now - HOUR), read: index < 3 };
  });
  const content = [
    ["https://instagram.com/p/demo-mug-unboxing", "Unboxing the ceramic mug"],
    ["https://www.youtube.com/watch?v=demo-tote-review", "Review of the linen tote, 3 minutes"],
    ["https://www.tiktok.com/@demo/video/1", "Packing for the market with the tote"],
    ["https://blog.example/holiday-gifts", "My holiday gift list"],
    ["https://instagram.com/p/demo-candle", ""],
  ].map(([url, note], index) => {
    const ambassador = active[(index * 3) % active.length];
    return { ambassador: ambassador.key, url, note, at: between(Math.max(ambassador.joinedAt, now - 90 * DAY), now - HOUR) };
  });
  const applications = [
    { name: "Noor Haddad", email: "noor.haddad@mail.example", socialHandle: "@noorbakes", reason: "I bring your mugs to every brunch and people always ask where they are from.", at: now - 5 * DAY },
    { name: "Felix Brandt", email: "felix.brandt@mail.example", socialHandle: "", reason: "Long-time customer, happy to tell my running club.", at: now - 2 * DAY },
    { name: "Ana Sousa", email: "ana.sousa@mail.example", socialHandle: "@ana.makes", reason: "I write a small blog about handmade homewares.", at: now - 6 * HOUR },
  ];

  return {
    now,
    startedAt,
    ambassadors,
    orders,
    storyAmbassador: story.key,
    leak: { ambassador: leaker.key, from: leakFrom, to: leakTo },
    selfReferral: selfReferral.key,
    cancellation: cancelled.key,
    clicks,
    payouts,
    news,
    feedback,
    content,
    applications,
  };
}

/** What `placeDemoOrders` made of each planned order in the local shop. */
export interface PlacedOrders {
  /** PlannedOrder.key → the order in the local shop. */
  orders: Map<string, OrderRecord>;
  /** The returning customers' later orders. */
  returns: OrderRecord[];
  /** New customers, by email. */
  customers: Map<string, CustomerRecord>;
}

/**
 * Puts the plan's orders into the local shop: the new customers (created at their first
 * checkout), the orders with their codes and amounts, the refunds, the cancellation and
 * the returning customers' later orders. Call before the app reads the shop's history.
 */
export function placeDemoOrders(store: LocalShopStore, plan: DemoHistoryPlan): PlacedOrders {
  const placed: PlacedOrders = { orders: new Map(), returns: [], customers: new Map() };
  const ambassadorOf = new Map(plan.ambassadors.map((a) => [a.key, a]));
  const pending: { at: number; run: () => void }[] = [];
  for (const planned of plan.orders) {
    pending.push({
      at: planned.at,
      run: () => {
        const buyer = planned.buyer;
        let customerId: number | null = null;
        let email: string | null = null;
        if (buyer.kind === "new") {
          const customer = store.addCustomer({
            firstName: buyer.firstName,
            lastName: buyer.lastName,
            email: buyer.email,
            state: "DISABLED",
            createdAt: buyer.createdAt,
          });
          placed.customers.set(buyer.email, customer);
          customerId = customer.id;
        } else if (buyer.kind === "existing") {
          customerId = Number(buyer.customerId);
        } else if (buyer.kind === "self") {
          customerId = Number(ambassadorOf.get(planned.ambassador)!.customerId);
        } else {
          email = buyer.email;
        }
        const order = store.addOrder({
          customerId,
          ...(email ? { email } : {}),
          createdAt: planned.at,
          lineItems: planned.lines,
          discountCodes: [{ code: planned.code, amountCents: planned.discountCents }],
          shippingCents: planned.shippingCents,
          taxCents: planned.taxCents,
        });
        placed.orders.set(planned.key, order);
        if (planned.refund) {
          const full = planned.refund.amountCents >= orderAmounts(order).totalCents;
          store.addRefund(order.id, { amountCents: planned.refund.amountCents, createdAt: planned.refund.at, note: full ? "Returned" : "Partial return" });
        }
        if (planned.cancelledAt) store.cancelOrder(order.id, { reason: "CUSTOMER", at: planned.cancelledAt });
        for (const later of planned.returns) {
          pending.push({
            at: later.at,
            run: () => {
              placed.returns.push(
                store.addOrder({
                  customerId: order.customerId,
                  createdAt: later.at,
                  lineItems: later.lines,
                  shippingCents: later.shippingCents,
                  taxCents: later.taxCents,
                }),
              );
            },
          });
        }
      },
    });
  }
  // Oldest first, so order numbers grow with time as Shopify's do (returns come later).
  while (pending.length > 0) {
    pending.sort((a, b) => a.at - b.at);
    pending.shift()!.run();
  }
  return placed;
}

import type { CustomerRecord, OrderCancelReason } from "./records";
import type { LocalShopStore, NewLineItem } from "./store";

/**
 * Deterministic demo data: the same seed, counts and `now` on a fresh store give identical
 * customers, orders and discounts (ids included).
 *
 * Shape: orders over the last two years; ~7% guest orders; among buyers ~30% order more
 * than once with a long tail up to 15 orders; ~10% of orders use a discount code (shared
 * ones like WELCOME10 and personal FRIEND-… codes); ~5% are refunded (half partially);
 * ~2% are cancelled (and refunded). Customer statistics are derived from their orders, so
 * `numberOfOrders` (which counts cancelled orders, as Shopify does) and `amountSpent`
 * (net of refunds) always agree with the orders.
 */
export interface SeedOptions {
  customers: number;
  orders: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** "Now" for the data (default: the store clock). Pass it for byte-identical reruns. */
  now?: Date | number;
}

export interface SeedSummary {
  customers: number;
  orders: number;
  guestOrders: number;
  repeatBuyers: number;
  buyers: number;
  discountedOrders: number;
  refundedOrders: number;
  cancelledOrders: number;
  discountCodes: string[];
}

/** mulberry32: tiny, fast, good enough for test data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
  "Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Leo", "Evelyn", "Oliver", "Luna", "Ethan",
  "Chloe", "Aiden", "Grace", "Samuel", "Nora", "Hugo", "Zoe", "Theo", "Maya", "Felix",
  "Aria", "Jonas", "Lea", "Omar", "Sara", "Yuki", "Ines", "Ravi", "Clara", "Diego",
];
const LAST_NAMES = [
  "Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Thomas",
  "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark",
  "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
  "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres",
];
const PRODUCTS: { title: string; variants: (string | null)[]; priceCents: number; vendor: string }[] = [
  { title: "Organic Cotton Tee", variants: ["S", "M", "L", "XL"], priceCents: 2800, vendor: "Threadline" },
  { title: "Merino Beanie", variants: ["Charcoal", "Moss"], priceCents: 3400, vendor: "Threadline" },
  { title: "Canvas Tote", variants: [null], priceCents: 2200, vendor: "Carry Co" },
  { title: "Ceramic Mug", variants: ["White", "Sand"], priceCents: 1800, vendor: "Kiln & Co" },
  { title: "Pour-Over Coffee Set", variants: [null], priceCents: 6400, vendor: "Kiln & Co" },
  { title: "Trail Water Bottle", variants: ["500 ml", "750 ml"], priceCents: 2600, vendor: "Summit" },
  { title: "Wool Socks (3 pack)", variants: ["S/M", "L/XL"], priceCents: 2400, vendor: "Threadline" },
  { title: "Linen Napkins (set of 4)", variants: [null], priceCents: 3200, vendor: "Home Goods" },
  { title: "Everyday Backpack", variants: ["Black", "Olive"], priceCents: 9800, vendor: "Carry Co" },
  { title: "Soy Candle", variants: ["Cedar", "Fig", "Sea Salt"], priceCents: 2100, vendor: "Home Goods" },
  { title: "Rain Shell Jacket", variants: ["S", "M", "L"], priceCents: 14500, vendor: "Summit" },
  { title: "Gift Card", variants: ["$25", "$50"], priceCents: 2500, vendor: "Demo Shop" },
];
const SHARED_CODES = [
  { code: "WELCOME10", percentage: 0.1, weight: 0.5 },
  { code: "SPRING15", percentage: 0.15, weight: 0.25 },
  { code: "VIP20", percentage: 0.2, weight: 0.15 },
];
const PERSONAL_CODE_SHARE = 0.1;
const CANCEL_REASONS: OrderCancelReason[] = ["CUSTOMER", "CUSTOMER", "INVENTORY", "FRAUD", "DECLINED", "OTHER"];

const DAY = 24 * 60 * 60 * 1000;
const TWO_YEARS = 730 * DAY;
const MAX_ORDERS_PER_CUSTOMER = 15;

/** Orders per buyer: ~70% once, a long tail up to 15. */
function drawOrderCount(random: () => number): number {
  const r = random();
  if (r < 0.7) return 1;
  if (r < 0.84) return 2;
  if (r < 0.9) return 3;
  if (r < 0.935) return 4;
  if (r < 0.955) return 5;
  let count = 6;
  while (count < MAX_ORDERS_PER_CUSTOMER && random() < 0.72) count++;
  return count;
}

interface PlannedOrder {
  customerIndex: number | null;
  createdAt: number;
}

export function seedStore(store: LocalShopStore, options: SeedOptions): SeedSummary {
  const random = mulberry32(options.seed ?? 1);
  const now = options.now === undefined ? store.now() : typeof options.now === "number" ? options.now : options.now.getTime();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const between = (from: number, to: number) => from + Math.floor(random() * Math.max(1, to - from));

  // ---- customers (created oldest first, so ids grow with time like Shopify's) ----------
  const emailsUsed = new Map<string, number>();
  const plannedCustomers = Array.from({ length: options.customers }, () => {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const base = `${firstName}.${lastName}`.toLowerCase();
    const n = (emailsUsed.get(base) ?? 0) + 1;
    emailsUsed.set(base, n);
    const noEmail = random() < 0.02;
    const tags: string[] = [];
    if (random() < 0.1) tags.push("vip");
    const newsletter = random() < 0.15;
    if (newsletter) tags.push("newsletter");
    if (random() < 0.03) tags.push("wholesale");
    return {
      firstName,
      lastName,
      email: noEmail ? null : `${base}${n > 1 ? n : ""}@example.com`,
      phone: noEmail ? `+1555${String(between(1000000, 9999999))}` : null,
      tags,
      emailMarketingState: newsletter ? ("SUBSCRIBED" as const) : ("NOT_SUBSCRIBED" as const),
      createdAt: between(now - TWO_YEARS, now - DAY),
    };
  });
  plannedCustomers.sort((a, b) => a.createdAt - b.createdAt);
  const customers: CustomerRecord[] = plannedCustomers.map((c) => store.addCustomer(c));

  // ---- who buys how often ---------------------------------------------------------------
  const guestOrders = customers.length === 0 ? options.orders : Math.round(options.orders * 0.07);
  let buyerOrdersLeft = options.orders - guestOrders;
  const counts = new Array<number>(customers.length).fill(0);
  const order = customers.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const index of order) {
    if (buyerOrdersLeft <= 0) break;
    counts[index] = Math.min(drawOrderCount(random), buyerOrdersLeft);
    buyerOrdersLeft -= counts[index];
  }
  // More orders than the customers' draws took: give them to existing buyers, then guests.
  const buyers = order.filter((i) => counts[i] > 0);
  let extraGuests = 0;
  while (buyerOrdersLeft > 0) {
    const open = buyers.filter((i) => counts[i] < MAX_ORDERS_PER_CUSTOMER);
    if (!open.length) {
      extraGuests += buyerOrdersLeft;
      break;
    }
    counts[pick(open)]++;
    buyerOrdersLeft--;
  }

  const planned: PlannedOrder[] = [];
  counts.forEach((count, index) => {
    const from = customers[index].createdAt;
    for (let k = 0; k < count; k++) planned.push({ customerIndex: index, createdAt: between(from, now) });
  });
  for (let k = 0; k < guestOrders + extraGuests; k++) planned.push({ customerIndex: null, createdAt: between(now - TWO_YEARS, now) });
  planned.sort((a, b) => a.createdAt - b.createdAt);

  // ---- discount codes -------------------------------------------------------------------
  const ambassadors = buyers.slice(0, Math.max(1, Math.min(8, Math.ceil(buyers.length / 20))));
  const personalCodes = ambassadors
    .map((i) => `FRIEND-${(customers[i].firstName ?? "X").toUpperCase()}${String(customers[i].id % 100).padStart(2, "0")}`)
    .filter((code, i, all) => all.indexOf(code) === i);
  const discountStart = now - TWO_YEARS - DAY;
  const createDiscount = (title: string, code: string, percentage: number) =>
    store.addCodeDiscount(
      {
        title,
        startsAt: discountStart,
        endsAt: null,
        value: { percentage, amountCents: null, appliesOnEachItem: false },
        appliesOnOneTimePurchase: true,
        appliesOnSubscription: false,
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
        minimumRequirement: null,
        appliesOncePerCustomer: code === "WELCOME10",
        usageLimit: null,
        recurringCycleLimit: null,
        context: { kind: "all" },
        tags: [],
        createdAt: discountStart,
        updatedAt: discountStart,
        input: {},
      },
      [code],
    );
  for (const shared of SHARED_CODES) {
    if (!store.findRedeemCode(shared.code)) createDiscount(`${shared.code} (${shared.percentage * 100}% off)`, shared.code, shared.percentage);
  }
  for (const code of personalCodes) if (!store.findRedeemCode(code)) createDiscount(`Referral ${code}`, code, 0.1);

  const drawCode = (): { code: string; percentage: number } => {
    if (personalCodes.length && random() < PERSONAL_CODE_SHARE) return { code: pick(personalCodes), percentage: 0.1 };
    let r = random() * SHARED_CODES.reduce((sum, c) => sum + c.weight, 0);
    for (const shared of SHARED_CODES) {
      r -= shared.weight;
      if (r <= 0) return shared;
    }
    return SHARED_CODES[0];
  };

  // ---- orders (oldest first, so order numbers grow with time) ---------------------------
  let discountedOrders = 0;
  let refundedOrders = 0;
  let cancelledOrders = 0;
  for (const plan of planned) {
    const customer = plan.customerIndex === null ? null : customers[plan.customerIndex];
    const lineItems: NewLineItem[] = Array.from({ length: 1 + Math.floor(random() * random() * 4) }, () => {
      const product = pick(PRODUCTS);
      return {
        title: product.title,
        variantTitle: pick(product.variants),
        sku: `${product.title.replace(/[^A-Za-z]/g, "").slice(0, 6).toUpperCase()}-${Math.floor(random() * 90 + 10)}`,
        vendor: product.vendor,
        quantity: random() < 0.8 ? 1 : 2 + Math.floor(random() * 2),
        unitPriceCents: product.priceCents,
      };
    });
    const itemsCents = lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0);
    const discount = random() < 0.1 ? drawCode() : null;
    const discountCents = discount ? Math.round(itemsCents * discount.percentage) : 0;
    const subtotal = itemsCents - discountCents;
    const created = store.addOrder({
      customerId: customer?.id ?? null,
      email: customer ? customer.email : `guest${Math.floor(random() * 1e6)}@example.net`,
      createdAt: plan.createdAt,
      lineItems,
      discountCodes: discount ? [{ code: discount.code, amountCents: discountCents }] : [],
      shippingCents: subtotal >= 5000 ? 0 : 599,
      taxCents: Math.round(subtotal * 0.08),
    });
    if (discount) discountedOrders++;

    const fate = random();
    if (fate < 0.02) {
      const at = Math.min(now, created.createdAt + between(1, 2 * DAY));
      store.cancelOrder(created.id, { reason: pick(CANCEL_REASONS), at });
      cancelledOrders++;
    } else if (fate < 0.07) {
      const at = Math.min(now, created.createdAt + between(DAY, 20 * DAY));
      const full = random() < 0.5;
      const total = subtotal + created.shippingCents + created.taxCents;
      const amountCents = full ? total : Math.max(1, Math.round(total * (0.3 + random() * 0.4)));
      store.addRefund(created.id, { amountCents, createdAt: at, note: full ? "Returned" : "Partial return" });
      refundedOrders++;
    }
  }

  return {
    customers: customers.length,
    orders: planned.length,
    guestOrders: guestOrders + extraGuests,
    buyers: buyers.length,
    repeatBuyers: counts.filter((c) => c >= 2).length,
    discountedOrders,
    refundedOrders,
    cancelledOrders,
    discountCodes: [...SHARED_CODES.map((c) => c.code), ...personalCodes],
  };
}

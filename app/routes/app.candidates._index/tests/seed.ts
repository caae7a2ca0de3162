/**
 * A small, fully known order history for TEST_SHOP (the shop authenticated requests are
 * for), written through the models as a history sync writes it.
 */
import prisma from "~/db.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import { daysAgo, deleteShopData, ingestOrders, type TestOrder } from "#/factories/orders";
import { TEST_SHOP } from "#/utils/test-shop";

export interface SeededCustomer {
  id: string;
  name: string;
  email: string;
  /** Counting orders. */
  orders: number;
  netSpentCents: number;
  lastOrderDaysAgo: number;
  tags: string[];
}

/**
 * Customers 1–24: 1 + (i mod 5) orders of i × 10.00 each, the last one 5·i days ago;
 * every third is tagged VIP; customer 7 is Ada Lovelace. Customer 25 buys often but not
 * within a year; customer 26 has one counting order and one cancelled. Customers tagged
 * "newsletter" subscribe to email marketing; customers 1, 6, 11, … subscribe to SMS.
 */
export function seededCustomers(): SeededCustomer[] {
  const customers: SeededCustomer[] = [];
  for (let i = 1; i <= 24; i++) {
    const orders = 1 + (i % 5);
    customers.push({
      id: String(i),
      name: i === 7 ? "Ada Lovelace" : `Customer ${i}`,
      email: i === 7 ? "ada@example.com" : `customer${i}@example.com`,
      orders,
      netSpentCents: orders * i * 1_000,
      lastOrderDaysAgo: 5 * i,
      tags: i % 3 === 0 ? ["VIP"] : i % 4 === 0 ? ["newsletter"] : [],
    });
  }
  customers.push(
    {
      id: "25",
      name: "Old Regular",
      email: "old@example.com",
      orders: 3,
      netSpentCents: 30_000,
      lastOrderDaysAgo: 400,
      tags: [],
    },
    {
      id: "26",
      name: "Once Only",
      email: "once@example.com",
      orders: 1,
      netSpentCents: 5_000,
      lastOrderDaysAgo: 3,
      tags: [],
    }
  );
  return customers;
}

function ordersOf(customers: SeededCustomer[]): TestOrder[] {
  const orders: TestOrder[] = [];
  let orderId = 1_000;
  for (const c of customers) {
    for (let k = 0; k < c.orders; k++) {
      orders.push({
        id: orderId++,
        customerId: Number(c.id),
        customerName: c.name,
        customerEmail: c.email,
        customerTags: c.tags,
        emailMarketingState: c.tags.includes("newsletter") ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
        smsMarketingState: Number(c.id) % 5 === 1 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
        processedAt: daysAgo(c.lastOrderDaysAgo + 30 * (c.orders - 1 - k)),
        totalCents: c.netSpentCents / c.orders,
      });
    }
  }
  // Customer 26's second order was cancelled: it does not count.
  orders.push({
    id: orderId++,
    customerId: 26,
    customerName: "Once Only",
    customerEmail: "once@example.com",
    processedAt: daysAgo(2),
    totalCents: 9_000,
    cancelledAt: daysAgo(1),
  });
  return orders;
}

/**
 * Replaces TEST_SHOP's data with the seeded history and a finished sync run (so the
 * first authenticated request's afterAuth hook does not start a real sync), and drops its
 * sessions (a token from another file's shop is not one this file's shop issued).
 */
export async function seedTestShop() {
  await clearTestShop();
  const sync = await startHistorySync(TEST_SHOP, { method: "bulk" });
  await ingestOrders(TEST_SHOP, ordersOf(seededCustomers()));
  await finishHistorySync(TEST_SHOP, sync.id);
}

export async function clearTestShop() {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
}

/** The seeded customers a listing with these thresholds must hold. */
export function expectedCandidates(criteria: {
  minOrders: number;
  minSpentCents?: number;
  withinDays: number;
  tag?: string;
}): SeededCustomer[] {
  return seededCustomers().filter(
    (c) =>
      c.orders >= criteria.minOrders &&
      c.netSpentCents >= (criteria.minSpentCents ?? 0) &&
      c.lastOrderDaysAgo <= criteria.withinDays &&
      (!criteria.tag || c.tags.some((t) => t.toLowerCase() === criteria.tag?.toLowerCase()))
  );
}

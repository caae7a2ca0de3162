/**
 * What the database holds, for "changed nothing" and "one effect" checks: row counts of
 * every table (from Prisma's own model list, so a new table is covered without edits) and
 * the rows of one shop, serialised comparably.
 */
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

const modelNames = Prisma.dmmf.datamodel.models.map((model) => model.name);

type CountDelegate = { count: (args?: object) => Promise<number>; findMany: (args?: object) => Promise<object[]> };

function delegate(model: string): CountDelegate {
  const key = model.charAt(0).toLowerCase() + model.slice(1);
  return (prisma as unknown as Record<string, CountDelegate>)[key];
}

/** Rows in every table of the database. */
export async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of modelNames) counts[model] = await delegate(model).count();
  return counts;
}

/** The tables whose row counts differ, e.g. ["WebhookInbox +1"]. */
export function countChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  return modelNames
    .filter((model) => before[model] !== after[model])
    .map((model) => `${model} ${after[model] - before[model] >= 0 ? "+" : ""}${after[model] - before[model]}`);
}

function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** Every row stored under `shop`, per table, in a stable order. */
export async function shopRows(shop: string, omit: string[] = []): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const model of modelNames) {
    const found = await delegate(model).findMany({ where: { shop } });
    rows[model] = found
      .map((row) => serialise(Object.fromEntries(Object.entries(row).filter(([key]) => !omit.includes(key)))))
      .sort();
  }
  return rows;
}

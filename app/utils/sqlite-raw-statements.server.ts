import type { Prisma } from "@prisma/client";

/**
 * Raw statements of a Prisma interactive transaction run straight on SQLite's connection
 * (see BulkWriter.directRawStatements). Prisma 6 sends every `$queryRawUnsafe` through its
 * query pipeline — serialising the parameters, a query plan from its WebAssembly compiler,
 * the interpreter, tracing spans, the adapter's own mapping — 0.1–0.3 ms a statement, more
 * than most of the inbox processor's statements take to run. This does what that pipeline
 * does, for the types the schema uses, in a few microseconds.
 *
 * Same transaction: Prisma's adapter runs the transaction on this one connection, and the
 * transaction holds the connection's turn (serialized-sqlite.server.ts) until it ends, so a
 * statement run here from inside the transaction's callback is inside it. Checked at each
 * call (`stillOpen`): once that transaction has ended it refuses, rather than run inside
 * whatever else is open on the connection by then.
 *
 * Same results: parameters bound as Prisma's adapter binds them (a Date in Prisma's stored
 * form, a boolean as 1/0), rows typed as Prisma types raw rows on SQLite, by the column's
 * declared type: INTEGER → number, BIGINT → bigint, BOOLEAN → boolean, DATETIME → Date,
 * TEXT → string; an expression (no declared type) by its first non-null value, as Prisma's
 * adapter infers it: an integer → bigint, a real → number, text → string. Tested against
 * Prisma's own results (tests/sqlite-raw-statements.test.ts).
 */

/**
 * The connection's prepared statement for a SQL text, from its statement cache (shared
 * with Prisma's adapter; better-sqlite3, opened by the adapter with safe integers on).
 */
export type PrepareStatement = (sql: string) => RawSqliteStatement;

/** What is used of a better-sqlite3 statement, here and by the statement cache's views. */
export interface RawSqliteStatement {
  readonly reader: boolean;
  columns(): { name: string; type: string | null }[];
  raw(toggle?: boolean): RawSqliteStatement;
  all(parameters: unknown[]): unknown[][];
  run(parameters: unknown[]): { changes: number | bigint };
}

type Convert = (value: unknown) => unknown;

/** A reader statement's columns: names, and converters by declared type (null: inferred). */
interface Columns {
  names: string[];
  converters: (Convert | null)[];
}

const toNumber: Convert = (value) => (typeof value === "bigint" ? Number(value) : Math.trunc(value as number));
const toBigInt: Convert = (value) => (typeof value === "bigint" ? value : BigInt(Math.trunc(value as number)));
const toBoolean: Convert = (value) => {
  const text = String(value);
  return text === "1" || text === "true";
};
const toDate: Convert = (value) => new Date(typeof value === "bigint" ? Number(value) : (value as string | number));
const asIs: Convert = (value) => value;

/** Prisma's adapter's mapping of declared types (the ones this schema's columns use). */
function converterOf(declaredType: string | null): Convert | null {
  switch (declaredType?.toUpperCase()) {
    case "INTEGER":
    case "INT":
      return toNumber;
    case "BIGINT":
      return toBigInt;
    case "BOOLEAN":
      return toBoolean;
    case "DATETIME":
      return toDate;
    case "TEXT":
    case "REAL":
    case "DOUBLE":
      return asIs;
    default:
      return null;
  }
}

/** An expression column, typed by its first non-null value as Prisma's adapter does. */
function inferredConverter(rows: unknown[][], index: number): Convert {
  for (const row of rows) {
    const value = row[index];
    if (value === null) continue;
    if (typeof value === "bigint") return toBigInt;
    if (typeof value === "number") return (next) => (typeof next === "bigint" ? Number(next) : next);
    if (typeof value === "string") return asIs;
    throw new Error(`A raw statement returned a ${typeof value} (not supported here)`);
  }
  return asIs;
}

/** A parameter as Prisma's adapter binds it. */
function bound(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
      return value;
    case "boolean":
      return value ? 1 : 0;
  }
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  throw new Error(`A raw statement parameter of type ${typeof value} is not supported here`);
}

/** Read once per statement (they are fixed by its SQL); kept as long as the statement. */
const columnsOfStatement = new WeakMap<RawSqliteStatement, Columns>();

function columnsOf(statement: RawSqliteStatement): Columns {
  let columns = columnsOfStatement.get(statement);
  if (!columns) {
    const declared = statement.columns();
    columns = { names: declared.map((column) => column.name), converters: declared.map((column) => converterOf(column.type)) };
    columnsOfStatement.set(statement, columns);
  }
  return columns;
}

function query(prepare: PrepareStatement, sql: string, parameters: unknown[]): Record<string, unknown>[] {
  const statement = prepare(sql);
  if (!statement.reader) {
    statement.run(parameters.map(bound));
    return [];
  }
  const { names, converters } = columnsOf(statement);
  // Rows as arrays (Prisma's adapter reads its statements the same way).
  const rows = statement.raw(true).all(parameters.map(bound));
  const convert = converters.map((converter, index) => converter ?? inferredConverter(rows, index));
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = row[i];
      object[names[i]] = value === null ? null : convert[i](value);
    }
    return object;
  });
}

function execute(prepare: PrepareStatement, sql: string, parameters: unknown[]): number {
  return Number(prepare(sql).run(parameters.map(bound)).changes);
}

/** `stillOpen`: whether the transaction `tx` belongs to is still the one open. */
export function directRawStatements(
  tx: Prisma.TransactionClient,
  prepare: PrepareStatement,
  stillOpen: () => boolean,
): Prisma.TransactionClient {
  // Run at the call (better-sqlite3 is synchronous), not when awaited as Prisma's are:
  // the callers await each statement, so the order is the same.
  const settled = <T>(run: () => T): Promise<T> => {
    try {
      if (!stillOpen()) throw new Error("directRawStatements: its Prisma transaction has ended");
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const direct = {
    $queryRawUnsafe: (sql: string, ...parameters: unknown[]) => settled(() => query(prepare, sql, parameters)),
    $executeRawUnsafe: (sql: string, ...parameters: unknown[]) => settled(() => execute(prepare, sql, parameters)),
  };
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === "$queryRawUnsafe" || property === "$executeRawUnsafe") return direct[property];
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

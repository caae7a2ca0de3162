import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

/** PostgreSQL's `name` type (identifiers in the system catalogs). */
const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;

function namesAsText<T extends QueryResultLike>(result: T): T {
  for (const field of result?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  return result;
}

/**
 * A pg client whose results report `name` columns as `text`. Prisma's JS schema engine
 * reads the catalogs (`name` columns) through the driver adapter, and @prisma/adapter-pg
 * 6.19 cannot map that type ("Column type 'name' could not be deserialized", prisma/orm
 * #27403), so `migrate deploy` fails without this. The values are plain strings either way.
 */
class NamesAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: QueryResultLike) => last(error, namesAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return pending && typeof (pending as Promise<unknown>).then === "function"
      ? (pending as Promise<QueryResultLike>).then(namesAsText)
      : pending;
  }
}

/** The driver adapter Prisma's schema engine (migrations) uses on PostgreSQL. */
export function postgresMigrationAdapter(connectionString: string) {
  return new PrismaPg(new pg.Pool({ connectionString, Client: NamesAsTextClient }), { disposeExternalPool: true });
}

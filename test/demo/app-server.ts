import http from "node:http";
import path from "node:path";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { mintSessionToken } from "../local-shop";
import { repoRoot } from "./app-config";

export interface DemoAdmin {
  shop: string;
  apiKey: string;
  apiSecret: string;
}

/** What app/entry.server.tsx exports besides Remix's own entry functions. */
interface BuildEntry {
  stopBackgroundJobs?: () => Promise<void>;
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built Remix app (build/) like `remix-serve`. With `demoAdmin` it also plays
 * the part of Shopify admin around the embedded app: every /app request gets the session
 * token that admin (through App Bridge) would attach, signed with the app's secret, so the
 * app's own `authenticate.admin` runs unchanged. Without it, /app behaves as in production.
 */
export async function startAppServer(options: {
  /** A server already listening (see `listenOnFreePort`), or a port to listen on. */
  server?: http.Server;
  port?: number;
  host?: string;
  demoAdmin?: DemoAdmin;
  /** Stop the app's job queue on close (the process keeps no other server of this build). */
  stopJobs?: boolean;
}): Promise<AppServer> {
  const buildPath = path.join(repoRoot, "build/server/index.js");
  const build = (await import(buildPath)) as ServerBuild;

  const app = express();
  app.disable("x-powered-by");
  app.use(
    "/assets",
    express.static(path.join(repoRoot, "build/client/assets"), { immutable: true, maxAge: "1y" }),
  );
  app.use(express.static(path.join(repoRoot, "build/client"), { maxAge: "1h" }));
  if (options.demoAdmin) {
    app.use(attachAdminSessionToken(options.demoAdmin));
    app.use(styleNavMenuWithoutAppBridge);
  }
  app.all("*", createRequestHandler({ build, mode: "production" }));

  const server = options.server ?? (await listenOn(options.port ?? 0, options.host));
  server.on("request", app);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      // The app's job queue goes with it: its connections are closed before whoever
      // started the database stops it (else pg-boss meets a server shutting down).
      if (options.stopJobs) await (build.entry.module as BuildEntry).stopBackgroundJobs?.();
    },
  };
}

/**
 * Listens before the app exists, so the app's URL (which its configuration needs) names a
 * port that stays ours: picking a free port and listening on it later let a test running
 * alongside take it in between (EADDRINUSE).
 */
export function listenOn(port: number, host = "127.0.0.1"): Promise<http.Server> {
  const server = http.createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function attachAdminSessionToken(admin: DemoAdmin): express.RequestHandler {
  return (req, _res, next) => {
    const isAdminPage = req.path === "/app" || req.path.startsWith("/app/") || req.path.startsWith("/app.");
    if (isAdminPage && !req.headers.authorization) {
      req.headers.authorization = `Bearer ${mintSessionToken(admin)}`;
    }
    next();
  };
}

// In Shopify admin, App Bridge turns <ui-nav-menu> into the admin's side navigation. The
// demo has no App Bridge (its CDN is offline), so the demo admin lays the links out as a
// simple bar instead of leaving them run together.
const NAV_MENU_STYLE =
  "<style>ui-nav-menu{display:flex;gap:1.25rem;padding:.75rem 1.25rem;background:#fff;" +
  "border-bottom:1px solid #e3e3e3;font:500 14px system-ui,sans-serif}" +
  "ui-nav-menu a{color:#303030;text-decoration:none}ui-nav-menu a:hover{text-decoration:underline}</style>";

const styleNavMenuWithoutAppBridge: express.RequestHandler = (_req, res, next) => {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let injected = false;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!injected && String(res.getHeader("content-type") ?? "").startsWith("text/html")) {
      const text = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
      if (text.includes("</head>")) {
        injected = true;
        return write(text.replace("</head>", `${NAV_MENU_STYLE}</head>`), ...rest);
      }
    }
    return write(chunk, ...rest);
  }) as typeof res.write;
  next();
};

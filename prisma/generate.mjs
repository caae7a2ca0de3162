#!/usr/bin/env node
// `prisma generate` never connects, but without a PostgreSQL DATABASE_URL it falls back to
// downloading a native query engine (which cannot be fetched here), so it gets a
// placeholder URL when none is set.
import { execFileSync } from "node:child_process";

execFileSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgresql://localhost/generate-only" },
});

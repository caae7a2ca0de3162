import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { folderClosedToOthers } from "../../prisma/embedded-postgres";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "closed-folder-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("the embedded server's folders, as root (it runs as another user)", () => {
  it("names the folder other users cannot enter on the way to the project", () => {
    const closed = path.join(base, "home");
    fs.mkdirSync(path.join(closed, "project", "node_modules"), { recursive: true });
    fs.chmodSync(base, 0o755);
    fs.chmodSync(closed, 0o700);
    expect(folderClosedToOthers(path.join(closed, "project", "node_modules"))).toBe(closed);
    // A data folder not created yet is judged by the part that exists.
    expect(folderClosedToOthers(path.join(closed, "project", ".data", "postgres"))).toBe(closed);
  });

  it("finds nothing when every folder on the way may be entered", () => {
    const open = path.join(base, "open", "project");
    fs.mkdirSync(open, { recursive: true });
    fs.chmodSync(base, 0o755);
    fs.chmodSync(path.join(base, "open"), 0o755);
    fs.chmodSync(open, 0o755);
    expect(folderClosedToOthers(open)).toBeNull();
  });
});

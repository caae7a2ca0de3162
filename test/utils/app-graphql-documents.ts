import fs from "node:fs";
import path from "node:path";

const appDir = path.resolve(import.meta.dirname, "../../app");

export interface AppGraphqlDocument {
  file: string;
  source: string;
}

/** Every `#graphql` document the app sends, found the way codegen finds them. */
export function findAppGraphqlDocuments(dir = appDir): AppGraphqlDocument[] {
  const documents: AppGraphqlDocument[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "types") documents.push(...findAppGraphqlDocuments(full));
    } else if (/\.(ts|tsx|js|jsx)$/.test(entry.name)) {
      const text = fs.readFileSync(full, "utf8");
      for (const match of text.matchAll(/`#graphql([\s\S]*?)`/g)) {
        documents.push({ file: path.relative(path.dirname(appDir), full), source: match[1] });
      }
    }
  }
  return documents;
}

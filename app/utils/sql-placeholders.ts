/** `?` placeholders numbered as PostgreSQL wants them: `$1, $2, …`. */
export function numberedPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * Raw SQL is written with `?` placeholders, numbered here. Wrap the whole statement, once.
 * The app's SQL has no `?` inside string literals.
 */
export const positional = numberedPlaceholders;

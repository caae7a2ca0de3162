/** Shopify global IDs: `gid://shopify/<Type>/<number>`. */
export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
}

/** Parses a global ID; undefined when it is not one (callers decide how loud to be). */
export function parseGid(value: string): ParsedGid | undefined {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!match) return undefined;
  return { type: match[1], id: Number(match[2]) };
}

/** The numeric id of a gid of the expected type, or undefined. */
export function idOf(value: string, type: string): number | undefined {
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : undefined;
}

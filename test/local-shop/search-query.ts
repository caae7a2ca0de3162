/**
 * Shopify's search syntax for the `query:` argument: `field:value`, comparators
 * (`field:>=value`), quoted values, implicit AND, `AND`, `OR`, `NOT`/`-`, parentheses,
 * and bare words (free text). Filters the local shop does not know fail loudly.
 */

export type Comparator = "=" | ">" | ">=" | "<" | "<=";

export type SearchNode =
  | { kind: "and" | "or"; children: SearchNode[] }
  | { kind: "not"; child: SearchNode }
  | { kind: "term"; field: string | null; comparator: Comparator; value: string };

type Token = { kind: "word"; text: string } | { kind: "open" } | { kind: "close" };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === "(") {
      tokens.push({ kind: "open" });
      i++;
    } else if (char === ")") {
      tokens.push({ kind: "close" });
      i++;
    } else {
      // A word runs to the next space or paren, but quoted parts may contain both.
      let text = "";
      while (i < query.length && !/[\s()]/.test(query[i])) {
        const quote = query[i];
        if (quote === "'" || quote === '"') {
          const end = query.indexOf(quote, i + 1);
          if (end === -1) throw new SearchSyntaxError(`unterminated quote in ${JSON.stringify(query)}`);
          text += query.slice(i, end + 1);
          i = end + 1;
        } else {
          text += quote;
          i++;
        }
      }
      tokens.push({ kind: "word", text });
    }
  }
  return tokens;
}

export class SearchSyntaxError extends Error {}

function unquote(value: string): string {
  const match = /^(['"])(.*)\1$/s.exec(value);
  return match ? match[2] : value;
}

function parseTerm(text: string): SearchNode {
  const negated = text.startsWith("-") && text.length > 1;
  const body = negated ? text.slice(1) : text;
  const match = /^([A-Za-z_][A-Za-z0-9_.]*):(.*)$/s.exec(body);
  let node: SearchNode;
  if (match) {
    const comparatorMatch = /^(>=|<=|>|<)?(.*)$/s.exec(match[2]);
    node = {
      kind: "term",
      field: match[1].toLowerCase(),
      comparator: (comparatorMatch?.[1] as Comparator | undefined) ?? "=",
      value: unquote(comparatorMatch?.[2] ?? ""),
    };
  } else {
    node = { kind: "term", field: null, comparator: "=", value: unquote(body) };
  }
  return negated ? { kind: "not", child: node } : node;
}

export function parseSearchQuery(query: string): SearchNode {
  const tokens = tokenize(query);
  let position = 0;

  const peekWord = (): string | undefined => {
    const token = tokens[position];
    return token?.kind === "word" ? token.text : undefined;
  };

  function parseOr(): SearchNode {
    const children = [parseAnd()];
    while (peekWord() === "OR") {
      position++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: "or", children };
  }

  function parseAnd(): SearchNode {
    const children: SearchNode[] = [];
    while (position < tokens.length) {
      const token = tokens[position];
      if (token.kind === "close" || (token.kind === "word" && token.text === "OR")) break;
      if (token.kind === "word" && token.text === "AND") {
        position++;
        continue;
      }
      children.push(parseUnary());
    }
    if (children.length === 0) return { kind: "and", children: [] };
    return children.length === 1 ? children[0] : { kind: "and", children };
  }

  function parseUnary(): SearchNode {
    const token = tokens[position++];
    if (token.kind === "open") {
      const inner = parseOr();
      if (tokens[position]?.kind !== "close") throw new SearchSyntaxError(`missing ")" in ${JSON.stringify(query)}`);
      position++;
      return inner;
    }
    if (token.kind === "close") throw new SearchSyntaxError(`unexpected ")" in ${JSON.stringify(query)}`);
    if (token.text === "NOT") return { kind: "not", child: parseUnary() };
    return parseTerm(token.text);
  }

  const tree = parseOr();
  if (position < tokens.length) throw new SearchSyntaxError(`unexpected ")" in ${JSON.stringify(query)}`);
  return tree;
}

/** Tests one record against one `field:value` term. */
export type TermMatcher<T> = (record: T, comparator: Comparator, value: string) => boolean;

export interface SearchFilters<T> {
  /** What the results are, for error messages ("customers"). */
  resource: string;
  fields: Record<string, TermMatcher<T>>;
  /** Bare words (no field). */
  text: (record: T, value: string) => boolean;
}

export class UnknownSearchFilterError extends Error {}

/** Compiles a query string into a predicate; throws for filters the local shop lacks. */
export function compileSearchQuery<T>(
  query: string | null | undefined,
  filters: SearchFilters<T>,
): (record: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const tree = parseSearchQuery(query);
  const check = (node: SearchNode): void => {
    if (node.kind === "term") {
      if (node.field !== null && !filters.fields[node.field]) {
        throw new UnknownSearchFilterError(
          `local shop: ${filters.resource} query filter "${node.field}" is not implemented`,
        );
      }
    } else if (node.kind === "not") check(node.child);
    else node.children.forEach(check);
  };
  check(tree);
  const evaluate = (node: SearchNode, record: T): boolean => {
    switch (node.kind) {
      case "and":
        return node.children.every((child) => evaluate(child, record));
      case "or":
        return node.children.some((child) => evaluate(child, record));
      case "not":
        return !evaluate(node.child, record);
      case "term":
        return node.field === null
          ? filters.text(record, node.value)
          : filters.fields[node.field](record, node.comparator, node.value);
    }
  };
  return (record) => evaluate(tree, record);
}

// ---- matchers for typical field kinds ---------------------------------------------------

function compare(actual: number, comparator: Comparator, expected: number): boolean {
  switch (comparator) {
    case "=":
      return actual === expected;
    case ">":
      return actual > expected;
    case ">=":
      return actual >= expected;
    case "<":
      return actual < expected;
    case "<=":
      return actual <= expected;
  }
}

/** Dates: ISO timestamps or days (`2024-01-31`, compared at UTC midnight). */
export function parseSearchDate(value: string): number {
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) throw new SearchSyntaxError(`local shop: cannot read date ${JSON.stringify(value)}`);
  return time;
}

export function dateMatcher<T>(get: (record: T) => number | null): TermMatcher<T> {
  return (record, comparator, value) => {
    const actual = get(record);
    if (actual === null) return false;
    // A bare day means "that day" for equality.
    if (comparator === "=" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const start = parseSearchDate(value);
      return actual >= start && actual < start + 24 * 60 * 60 * 1000;
    }
    return compare(Math.floor(actual / 1000), comparator, Math.floor(parseSearchDate(value) / 1000));
  };
}

export function numberMatcher<T>(get: (record: T) => number | null): TermMatcher<T> {
  return (record, comparator, value) => {
    const actual = get(record);
    const expected = Number(value);
    if (Number.isNaN(expected)) throw new SearchSyntaxError(`local shop: ${JSON.stringify(value)} is not a number`);
    return actual !== null && compare(actual, comparator, expected);
  };
}

/** Case-insensitive equality; a trailing `*` matches a prefix. */
export function stringMatches(actual: string | null, value: string): boolean {
  if (actual === null) return false;
  const a = actual.toLowerCase();
  const v = value.toLowerCase();
  return v.endsWith("*") ? a.startsWith(v.slice(0, -1)) : a === v;
}

export function stringMatcher<T>(get: (record: T) => string | null): TermMatcher<T> {
  return (record, _comparator, value) => stringMatches(get(record), value);
}

export function tagMatcher<T>(get: (record: T) => string[]): TermMatcher<T> {
  return (record, _comparator, value) => get(record).some((tag) => stringMatches(tag, value));
}

export function booleanMatcher<T>(get: (record: T) => boolean): TermMatcher<T> {
  return (record, _comparator, value) => get(record) === (value.toLowerCase() === "true");
}

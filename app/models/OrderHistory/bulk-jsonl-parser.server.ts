/**
 * Parsing of Shopify's bulk JSONL on a worker thread, so that reading, JSON.parse and row
 * building run on the second core while the database loads the previous batches. The
 * worker writes each batch as COPY text, so the main thread only hands bytes to COPY.
 *
 * The worker runs `parseBulkJsonl`, which is sent to it as source text (`eval`): a worker
 * file would need its own place in the Vite server build, while source text loads the same
 * under tsx, vitest and the build. So that function must stay self-contained: it may use
 * globals (Buffer, JSON, Intl) and its parameters, never anything imported here. Its
 * money, id and timestamp handling mirrors money.ts, snapshots.ts and utils/stored-timestamp.ts
 * on the stored form; tests/bulk-jsonl-parser.test.ts checks the two agree.
 */
import type { Readable } from "node:stream";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/**
 * The columns of the batches' order rows, in the order the worker writes them (COPY into
 * OrderFact, or OrderFactStaging with a `line` appended). Timestamps are in the stored form
 * (see storedTimestamp).
 */
export const ORDER_ROW_COLUMNS = [
  "shop", "orderId", "customerId", "processedAt", "totalCents", "refundedCents",
  "cancelledAt", "test", "discountCodes", "sourceUpdatedAt",
] as const;

/**
 * The columns of the batches' profile rows, in order (COPY into CustomerProfileStaging);
 * `line` is the line of the order that carried the profile.
 */
export const STAGED_PROFILE_COLUMNS = [
  "shop", "customerId", "displayName", "email", "tags", "profileUpdatedAt", "line",
  "emailSubscribed", "smsSubscribed",
] as const;

export interface ParsedBatch {
  type: "batch";
  /** Orders in this batch: rows of ORDER_ROW_COLUMNS in COPY's text format. */
  orders: number;
  orderRows: Uint8Array;
  /** Profiles that differ from what this ingest already wrote for the customer: rows of STAGED_PROFILE_COLUMNS. */
  profiles: number;
  profileRows: Uint8Array;
  /** Lines read up to the end of this batch (the skipped ones included). */
  linesDone: number;
  /** The first shop currency seen in the file so far. */
  currencyCode: string | null;
}

type FromWorker =
  | ParsedBatch
  | { type: "batchReady" }
  | { type: "chunkDone" }
  | { type: "done"; linesDone: number }
  | { type: "error"; message: string };

export type ToWorker = { type: "chunk"; bytes: Uint8Array } | { type: "end" } | { type: "batchDone" };

export interface ParserOptions {
  /** A file the worker reads itself (then it never waits on the main thread for input). */
  path?: string;
  /** The shop, the first column of every row. */
  shop: string;
  /** Lines already committed by an earlier run: counted, not parsed. */
  startAtLine: number;
  /** Orders per batch. */
  batchSize: number;
  /** Batches parsed ahead of the writer: bounds memory, and lets parsing run ahead. */
  batchesAhead: number;
}

/** What the worker needs of its MessagePort (a batch's buffers are transferred). */
interface Port {
  on(event: "message", listener: (message: ToWorker) => void): void;
  postMessage(message: FromWorker, transfer?: ArrayBuffer[]): void;
}

/** What the worker needs of node:fs, to read a file itself. */
interface FileReader {
  openSync(path: string, flags: "r"): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  closeSync(fd: number): void;
}

/**
 * The worker's body (self-contained, see the file comment). Cuts lines on the raw bytes,
 * skips child lines (`__parentId`) without parsing them, parses Order lines into rows and
 * posts them in batches, at most `batchesAhead` unacknowledged.
 */
export function parseBulkJsonl(port: Port, options: ParserOptions, files: FileReader): void {
  const PARENT_KEY = Buffer.from('"__parentId":');
  const GID_PREFIX = "gid://shopify/";

  let lineNumber = 0;
  let carry: Buffer | null = null;
  let orders = 0;
  let profiles = 0;
  let currencyCode: string | null = null;
  let batchesPending = 0;
  const chunks: Uint8Array[] = [];
  let ended = false;
  let failed = false;

  // ---- Values in stored form (mirrors money.ts, snapshots.ts, utils/stored-timestamp.ts) ----

  const exponents = new Map<string, number>();
  function currencyExponent(code: string | null | undefined): number {
    if (!code) return 2;
    let exponent = exponents.get(code);
    if (exponent === undefined) {
      try {
        exponent = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
          .maximumFractionDigits ?? 2;
      } catch {
        exponent = 2;
      }
      exponents.set(code, exponent);
    }
    return exponent;
  }

  function toMinorUnits(amount: string | number, exponent: number): number {
    const text = typeof amount === "number" ? String(amount) : amount.trim();
    const negative = text.charCodeAt(0) === 45;
    let units = 0;
    let digits = 0;
    let fractionDigits = -1;
    let roundUp = false;
    for (let i = negative ? 1 : 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 46 && fractionDigits === -1 && digits > 0) {
        fractionDigits = 0;
        continue;
      }
      if (code < 48 || code > 57) throw new Error(`Not a money amount: "${text}"`);
      digits += 1;
      if (fractionDigits === -1) {
        units = units * 10 + (code - 48);
      } else if (fractionDigits < exponent) {
        units = units * 10 + (code - 48);
        fractionDigits += 1;
      } else if (fractionDigits === exponent) {
        roundUp = code >= 53;
        fractionDigits += 1;
      }
    }
    if (digits === 0) throw new Error(`Not a money amount: "${text}"`);
    for (let i = Math.max(0, fractionDigits); i < exponent; i++) units *= 10;
    if (roundUp) units += 1;
    if (!Number.isSafeInteger(units)) throw new Error(`Money amount out of range: "${text}"`);
    return negative && units !== 0 ? -units : units;
  }

  function isDigits(value: string, from = 0): boolean {
    if (from >= value.length) return false;
    for (let i = from; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code < 48 || code > 57) return false;
    }
    return true;
  }

  function numericId(id: unknown, type: string): string {
    if (typeof id === "number" && Number.isSafeInteger(id)) return String(id);
    if (typeof id === "string") {
      if (isDigits(id)) return id;
      // gid://shopify/<type>/<digits>, checked in place (no substrings but the result).
      const slash = GID_PREFIX.length + type.length;
      if (
        id.charCodeAt(slash) === 47 && id.startsWith(GID_PREFIX) && id.startsWith(type, GID_PREFIX.length) &&
        isDigits(id, slash + 1)
      ) {
        return id.slice(slash + 1);
      }
    }
    throw new Error(`Not a Shopify ${type} id: "${String(id)}"`);
  }

  function digitsAt(value: string, from: number, to: number): number {
    let number = 0;
    for (let i = from; i < to; i++) {
      const code = value.charCodeAt(i) - 48;
      if (code < 0 || code > 9) return -1;
      number = number * 10 + code;
    }
    return number;
  }

  function storedTimestamp(value: unknown): string {
    if (typeof value !== "string") throw new Error(`Not an ISO 8601 timestamp: "${String(value)}"`);
    // "2024-05-01T10:00:00Z", the Admin API's form, maps without building a Date.
    if (
      value.length === 20 && value.charCodeAt(19) === 90 && value.charCodeAt(10) === 84 &&
      value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(13) === 58 &&
      value.charCodeAt(16) === 58
    ) {
      const month = digitsAt(value, 5, 7);
      const day = digitsAt(value, 8, 10);
      const hour = digitsAt(value, 11, 13);
      const minute = digitsAt(value, 14, 16);
      const second = digitsAt(value, 17, 19);
      if (
        digitsAt(value, 0, 4) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
        hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 61
      ) {
        return `${value.slice(0, 19)}.000+00:00`;
      }
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new Error(`Not an ISO 8601 timestamp: "${value}"`);
    return date.toISOString().replace("Z", "+00:00");
  }

  function storedDiscountCodes(codes: unknown): string {
    if (!Array.isArray(codes) || codes.length === 0) return "";
    const seen = new Set<string>();
    for (const code of codes as (string | null | undefined)[]) {
      const normalized = code?.trim().toUpperCase();
      if (normalized) seen.add(normalized);
    }
    return [...seen].join("\n");
  }

  // ---- COPY's text format ------------------------------------------------------------------

  /** A text field: `\N` for null; backslash, tab, newline, CR escaped; NUL (not storable) dropped. */
  const SPECIAL = /[\\\t\n\r\0]/;
  const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "" };
  function field(value: string | null): string {
    if (value === null) return "\\N";
    return SPECIAL.test(value) ? value.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]) : value;
  }
  const shopField = field(options.shop);

  /**
   * A batch's rows as UTF-8 bytes, appended row by row: a batch built as one string would
   * live (as a rope of every row) until it is sent, and be promoted by the collector.
   */
  function byteBuilder() {
    let bytes = Buffer.allocUnsafe(1 << 16);
    let length = 0;
    return {
      append(text: string) {
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
        if (length + text.length * 3 > bytes.length) {
          const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, length + text.length * 3));
          bytes.copy(grown, 0, 0, length);
          bytes = grown;
        }
        length += bytes.write(text, length);
      },
      /** The bytes so far in a buffer of their own (transferable), and a fresh start. */
      take(): Buffer {
        const taken = Buffer.from(bytes.subarray(0, length));
        length = 0;
        return taken;
      },
    };
  }
  const orderRows = byteBuilder();
  const profileRows = byteBuilder();

  // ---- Profiles already written by this ingest -------------------------------------------

  // A direct-mapped table of customer id → profile fingerprint, in fixed memory: a
  // customer's orders repeat the same profile all through the file, and skipping the
  // repeats saves an upsert per returning order. A collision only forgets an entry. A
  // dated profile is fingerprinted by its `updatedAt` alone: the upsert ignores a profile
  // not newer than the stored one anyway, so content under the same date adds nothing.
  const writtenIds = new Float64Array(1 << 19);
  const writtenFingerprints = new Int32Array(1 << 19);
  function fingerprintOf(text: string | null, seed: number): number {
    let fingerprint = seed;
    if (text === null) return Math.imul(fingerprint, 31) + 1;
    for (let i = 0; i < text.length; i++) fingerprint = (Math.imul(fingerprint, 31) + text.charCodeAt(i)) | 0;
    return Math.imul(fingerprint, 31) | 0;
  }
  /** customerId, displayName, email, tags, profileUpdatedAt, emailSubscribed, smsSubscribed (stored form). */
  type Profile = [string, string | null, string | null, string, string | null, string | null, string | null];
  function alreadyWritten(profile: Profile): boolean {
    // The id (digits, see numericId) as a number and a hash of it, in one pass: cheaper
    // than Number() and a floating-point modulo, a million times per ingest.
    const digits = profile[0];
    let id = 0;
    let hash = 0;
    for (let i = 0; i < digits.length; i++) {
      const digit = digits.charCodeAt(i) - 48;
      id = id * 10 + digit;
      hash = (Math.imul(hash, 10) + digit) | 0;
    }
    let fingerprint = fingerprintOf(profile[4], 0);
    if (profile[4] === null) {
      fingerprint = fingerprintOf(profile[3], fingerprintOf(profile[2], fingerprintOf(profile[1], fingerprint)));
      fingerprint = fingerprintOf(profile[6], fingerprintOf(profile[5], fingerprint));
    }
    const slot = (Math.imul(hash, 0x9e3779b1) >>> 13) & (writtenIds.length - 1);
    if (writtenIds[slot] === id && writtenFingerprints[slot] === fingerprint) return true;
    writtenIds[slot] = id;
    writtenFingerprints[slot] = fingerprint;
    return false;
  }

  // ---- Lines -------------------------------------------------------------------------------

  type Money = { shopMoney: { amount: string | number; currencyCode?: string | null } } | null | undefined;
  interface Node {
    __parentId?: unknown;
    id: unknown;
    processedAt: unknown;
    updatedAt: unknown;
    cancelledAt?: unknown;
    test?: unknown;
    discountCodes?: unknown;
    totalPriceSet: Money;
    totalRefundedSet?: Money;
    customer?: {
      id: unknown;
      displayName?: string | null;
      defaultEmailAddress?: { emailAddress?: string | null; marketingState?: string | null } | null;
      defaultPhoneNumber?: { marketingState?: string | null } | null;
      tags?: string[] | null;
      updatedAt?: unknown;
    } | null;
  }

  /**
   * Consent as COPY text (mirrors snapshots.ts marketingSubscribed): "t" when SUBSCRIBED,
   * "f" otherwise, null when the line did not carry the field at all.
   */
  function storedConsent(holder: object, key: "defaultEmailAddress" | "defaultPhoneNumber", state: string | null | undefined) {
    if (!(key in holder)) return null;
    return typeof state === "string" && state.toUpperCase() === "SUBSCRIBED" ? "t" : "f";
  }

  /**
   * Shopify writes `__parentId` as the last member of a child line: recognise
   * `"__parentId":"…"}` at the end without decoding the line. Anything else is parsed
   * and checked for the key, so an unusual layout is only slower, never misread.
   */
  function endsWithParentId(buffer: Buffer, start: number, end: number): boolean {
    let i = end - 1;
    while (i > start && (buffer[i] === 0x0d || buffer[i] === 0x20)) i--;
    if (buffer[i] !== 0x7d || buffer[i - 1] !== 0x22) return false;
    i -= 2;
    while (i > start && buffer[i] !== 0x22) i--;
    if (buffer[i - 1] === 0x5c) return false; // an escaped quote: not a plain id
    const keyStart = i - PARENT_KEY.length;
    if (keyStart < start) return false;
    for (let k = 0; k < PARENT_KEY.length; k++) if (buffer[keyStart + k] !== PARENT_KEY[k]) return false;
    return true;
  }

  function readLine(buffer: Buffer, start: number, end: number): void {
    lineNumber += 1;
    if (lineNumber <= options.startAtLine || end <= start) return;
    if (endsWithParentId(buffer, start, end)) return;
    const text = buffer.toString("utf8", start, end);
    if (text.trim() === "") return;
    try {
      const node = JSON.parse(text) as Node;
      if (node === null || typeof node !== "object" || "__parentId" in node) return;
      addOrder(node);
    } catch (error) {
      throw new Error(`Bulk JSONL line ${lineNumber}: ${(error as Error).message}`);
    }
  }

  function addOrder(node: Node): void {
    if (!node.totalPriceSet) throw new Error("Order without totalPriceSet");
    const code = node.totalPriceSet.shopMoney.currencyCode ?? null;
    const exponent = currencyExponent(code);
    const customer = node.customer;
    const customerId = customer ? numericId(customer.id, "Customer") : null;
    // In ORDER_ROW_COLUMNS order; ids and stored timestamps need no escaping.
    orderRows.append(
      `${shopField}\t${numericId(node.id, "Order")}\t${customerId ?? "\\N"}\t${storedTimestamp(node.processedAt)}\t` +
      `${toMinorUnits(node.totalPriceSet.shopMoney.amount, exponent)}\t` +
      `${node.totalRefundedSet ? toMinorUnits(node.totalRefundedSet.shopMoney.amount, exponent) : 0}\t` +
      `${node.cancelledAt ? storedTimestamp(node.cancelledAt) : "\\N"}\t${node.test === true ? "t" : "f"}\t` +
      `${field(storedDiscountCodes(node.discountCodes))}\t${storedTimestamp(node.updatedAt)}\n`,
    );
    orders += 1;
    if (customer && customerId) {
      const profile: Profile = [
        customerId,
        customer.displayName?.trim() || null,
        customer.defaultEmailAddress?.emailAddress?.trim() || null,
        (customer.tags ?? []).join(", "),
        customer.updatedAt ? storedTimestamp(customer.updatedAt) : null,
        storedConsent(customer, "defaultEmailAddress", customer.defaultEmailAddress?.marketingState),
        storedConsent(customer, "defaultPhoneNumber", customer.defaultPhoneNumber?.marketingState),
      ];
      if (!alreadyWritten(profile)) {
        // In STAGED_PROFILE_COLUMNS order.
        profileRows.append(
          `${shopField}\t${profile[0]}\t${field(profile[1])}\t${field(profile[2])}\t${field(profile[3])}\t` +
            `${profile[4] ?? "\\N"}\t${lineNumber}\t${profile[5] ?? "\\N"}\t${profile[6] ?? "\\N"}\n`,
        );
        profiles += 1;
      }
    }
    currencyCode ??= code;
  }

  function postBatch(): void {
    const orderBytes = orderRows.take();
    const profileBytes = profileRows.take();
    port.postMessage(
      { type: "batch", orders, orderRows: orderBytes, profiles, profileRows: profileBytes, linesDone: lineNumber, currencyCode },
      // Buffer.from may hand out a slice of a shared pool: only a buffer of its own moves.
      [orderBytes, profileBytes].flatMap((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : [])),
    );
    orders = 0;
    profiles = 0;
    batchesPending += 1;
  }

  function readChunk(buffer: Buffer): void {
    let start = 0;
    if (carry) {
      const newline = buffer.indexOf(0x0a);
      if (newline === -1) {
        carry = Buffer.concat([carry, buffer]);
        return;
      }
      const line = Buffer.concat([carry, buffer.subarray(0, newline)]);
      carry = null;
      readLine(line, 0, line.length);
      start = newline + 1;
      if (orders >= options.batchSize) postBatch();
    }
    for (let newline = buffer.indexOf(0x0a, start); newline !== -1; newline = buffer.indexOf(0x0a, start)) {
      readLine(buffer, start, newline);
      start = newline + 1;
      if (orders >= options.batchSize) postBatch();
    }
    // Copied: a small remainder must not keep the whole chunk alive.
    if (start < buffer.length) carry = Buffer.from(buffer.subarray(start));
  }

  // A file is read here, a chunk at a time, while fewer than `batchesAhead` batches
  // wait for the writer. Chunks sent by the main thread wait likewise, and each one
  // processed is acknowledged so that the main thread reads the next.
  const fd = options.path === undefined ? null : files.openSync(options.path, "r");
  // One buffer for every read: a chunk is done with when readChunk returns (lines are
  // decoded into strings, the remainder copied), and 3,000 fresh 256 KB buffers per GB
  // would only wait for the collector.
  const readBuffer = fd === null ? null : Buffer.allocUnsafe(1 << 18);
  function readFileChunks(): void {
    if (fd === null || readBuffer === null) return;
    while (!failed && !ended && batchesPending < options.batchesAhead) {
      const buffer = readBuffer;
      const length = files.readSync(fd, buffer, 0, buffer.length, null);
      if (length === 0) {
        files.closeSync(fd);
        ended = true;
      } else {
        readChunk(buffer.subarray(0, length));
      }
    }
  }

  function work(): void {
    try {
      readFileChunks();
      while (!failed && chunks.length > 0 && batchesPending < options.batchesAhead) {
        const bytes = chunks.shift() as Uint8Array;
        readChunk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        port.postMessage({ type: "chunkDone" });
      }
      if (!failed && ended && chunks.length === 0 && batchesPending < options.batchesAhead) {
        if (carry) readLine(carry, 0, carry.length);
        carry = null;
        postBatch();
        port.postMessage({ type: "done", linesDone: lineNumber });
        failed = true; // nothing more to do
      }
    } catch (error) {
      failed = true;
      port.postMessage({ type: "error", message: (error as Error).message });
    }
  }

  port.on("message", (message) => {
    if (message.type === "chunk") chunks.push(message.bytes);
    else if (message.type === "end") ended = true;
    else batchesPending -= 1;
    work();
  });
  work();
}

/** Chunks of a stream read ahead of the worker (it waits for them while the main thread writes). */
const CHUNKS_AHEAD = 32;

/**
 * Parses `input` on a worker thread and yields its batches in file order; the last
 * batch holds the rest of the file (it may have no rows). Call `next()` only after the
 * previous batch is written: that acknowledgement is what lets the worker run ahead.
 * Returning early (a throw in the consumer) stops the worker and the reading.
 */
export async function* parseBulkJsonlInWorker(
  input: Readable | string,
  options: Omit<ParserOptions, "path">,
): AsyncGenerator<ParsedBatch, number> {
  // Batches travel on a port of their own that this thread never listens on: it takes
  // them one at a time (receiveMessageOnPort) when the writer is ready, so the batches
  // waiting meanwhile stay in their compact serialized form rather than all becoming
  // objects on this thread's heap at once. That lets the parser run further ahead (and
  // keep parsing through a merge pass) for the same memory. A small notice on the worker's
  // own port says that one is there.
  const batchChannel = new MessageChannel();
  const worker = new Worker(
    // Type-stripping transforms (tsx) may wrap functions in a `__name` helper: define it.
    `const { parentPort, workerData } = require("node:worker_threads");
     var __name = (target) => target;
     const port = {
       on: (event, listener) => parentPort.on(event, listener),
       postMessage: (message, transfer) => {
         if (message.type !== "batch") return parentPort.postMessage(message);
         workerData.batches.postMessage(message, transfer);
         parentPort.postMessage({ type: "batchReady" });
       },
     };
     (${parseBulkJsonl.toString()})(port, workerData, require("node:fs"));`,
    {
      eval: true,
      // Most of what the parser allocates dies within a batch: a young generation that
      // holds a batch's garbage spares the collector promoting it.
      resourceLimits: { maxYoungGenerationSizeMb: 32 },
      workerData: { ...options, path: typeof input === "string" ? input : undefined, batches: batchChannel.port2 },
      transferList: [batchChannel.port2],
    },
  );
  const inbox: FromWorker[] = [];
  let failure: Error | null = null;
  let wake = null as (() => void) | null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const nextMessage = async (): Promise<FromWorker> => {
    for (;;) {
      if (failure) throw failure;
      const message = inbox.shift();
      if (message) return message;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  let chunksAhead = 0;
  let stopped = false;
  let chunkDone = null as (() => void) | null;
  worker.on("message", (message: FromWorker) => {
    if (message.type === "chunkDone") {
      chunksAhead -= 1;
      chunkDone?.();
      chunkDone = null;
      return;
    }
    inbox.push(message);
    notify();
  });
  worker.on("error", (error) => {
    failure ??= error;
    notify();
  });
  worker.on("exit", (code) => {
    failure ??= new Error(`The bulk JSONL parser stopped (exit code ${code}).`);
    notify();
  });

  const send = (message: ToWorker, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  const feeding = (async () => {
    if (typeof input === "string") return;
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      if (stopped) break;
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      // Handed over without a copy when the chunk owns its memory (file reads do).
      const owned = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
      const bytes = owned ? buffer : new Uint8Array(buffer);
      send({ type: "chunk", bytes }, [bytes.buffer as ArrayBuffer]);
      chunksAhead += 1;
      while (chunksAhead >= CHUNKS_AHEAD && !stopped) {
        await new Promise<void>((resolve) => (chunkDone = resolve));
      }
    }
    if (!stopped) send({ type: "end" });
  })().catch((error: Error) => {
    failure ??= error;
    notify();
  });

  try {
    for (;;) {
      const message = await nextMessage();
      if (message.type === "error") throw new Error(message.message);
      if (message.type === "done") return message.linesDone;
      if (message.type === "batchReady") {
        // Posted before its notice, so it is there.
        yield receiveMessageOnPort(batchChannel.port1)?.message as ParsedBatch;
        send({ type: "batchDone" });
      }
    }
  } finally {
    stopped = true;
    chunkDone?.();
    worker.removeAllListeners("exit");
    await worker.terminate();
    batchChannel.port1.close();
    if (typeof input !== "string" && !input.destroyed) input.destroy();
    await feeding;
  }
}

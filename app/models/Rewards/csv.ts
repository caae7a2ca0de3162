/**
 * CSV for spreadsheets (RFC 4180): fields with a comma, quote, CR or LF are quoted, quotes
 * doubled, lines end with CRLF. Spreadsheet-safe: a cell beginning with = + - @ (or a tab
 * or CR) is prefixed with an apostrophe so Excel / Sheets never read it as a formula.
 * Numbers we write ourselves (amounts like "-4.00") are passed as `{ number }` and kept
 * as they are.
 */
export type CsvCell = string | number | null | undefined | { number: string };

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  let text: string;
  if (value === null || value === undefined) text = "";
  else if (typeof value === "object") text = value.number;
  else if (typeof value === "number") text = String(value);
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * A streamed CSV download: `pages` yields rows a page at a time (each page a database
 * query), so a large shop's export never sits in memory whole.
 */
export function csvResponse(filename: string, header: string[], pages: () => AsyncGenerator<CsvCell[][]>): Response {
  const encoder = new TextEncoder();
  const iterator = pages();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // A BOM so Excel reads UTF-8 names correctly.
      controller.enqueue(encoder.encode(`\uFEFF${csvRow(header)}`));
    },
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(value.map(csvRow).join("")));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}

import { useId, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  List,
  Select,
  Text,
} from "@shopify/polaris";
import type { ImportPreview } from "~/models/Engagement/Engagement.server";
import { REVIEW_FORMAT_LABELS, REVIEW_FORMATS } from "~/models/Engagement/review-formats";

export type ImportOutcome =
  | {
      ok: true;
      kind: "reviews" | "mentions";
      intent: "preview" | "import";
      preview: ImportPreview;
      imported?: number;
      fileName: string;
    }
  | { ok: false; kind?: "reviews" | "mentions"; error: string };

const FORMAT_OPTIONS = [
  { label: "Detect from the header row", value: "auto" },
  ...REVIEW_FORMATS.map((format) => ({ label: REVIEW_FORMAT_LABELS[format], value: format })),
];

const count = (n: number) => n.toLocaleString("en");

export interface ImportCardProps {
  kind: "reviews" | "mentions";
  title: string;
  description: string;
  /** Rows of this kind the shop holds. */
  stored: number;
  /** The signal's weight in the score (0: off). */
  weight: number;
}

/** Upload → preview (mapping, counts, row errors) → import, for one kind of file. */
export function ImportCard({ kind, title, description, stored, weight }: ImportCardProps) {
  const fetcher = useFetcher<ImportOutcome>();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState("auto");
  // The preview shown is of the file and format now chosen: a new choice needs a new preview.
  const [previewedFor, setPreviewedFor] = useState<string | null>(null);
  const choice = file ? `${file.name}|${file.size}|${file.lastModified}|${format}` : null;
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  const preview = result?.ok ? result.preview : null;
  const canImport = !busy && preview !== null && result?.ok && result.intent === "preview" && previewedFor === choice && preview.toImport > 0;

  const submit = (intent: "preview" | "import") => {
    if (!file) return;
    const data = new FormData();
    data.set("kind", kind);
    data.set("intent", intent);
    data.set("format", format);
    data.set("file", file);
    if (intent === "preview") setPreviewedFor(choice);
    fetcher.submit(data, { method: "post", encType: "multipart/form-data" });
  };

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            {description}
          </Text>
          <Text as="p" tone="subdued">
            {count(stored)} imported so far.{" "}
            {weight === 0 ? "This signal is turned off in the program settings: it changes no score." : null}
          </Text>
        </BlockStack>
        <InlineStack gap="400" blockAlign="end" wrap>
          <BlockStack gap="100">
            <label htmlFor={inputId}>
              <Text as="span">CSV file</Text>
            </label>
            <input
              id={inputId}
              type="file"
              name="file"
              accept=".csv,text/csv"
              data-import-file={kind}
              onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
            />
          </BlockStack>
          {kind === "reviews" ? (
            <Select label="Review app" options={FORMAT_OPTIONS} value={format} onChange={setFormat} />
          ) : null}
          <Button onClick={() => submit("preview")} disabled={!file || busy} loading={busy && fetcher.formData?.get("intent") === "preview"}>
            Preview
          </Button>
          <Button
            variant="primary"
            onClick={() => submit("import")}
            disabled={!canImport}
            loading={busy && fetcher.formData?.get("intent") === "import"}
          >
            {preview && canImport ? `Import ${count(preview.toImport)} ${preview.toImport === 1 ? "row" : "rows"}` : "Import"}
          </Button>
        </InlineStack>

        {result && !result.ok ? (
          <Banner tone="critical" title="This file cannot be imported">
            <Text as="p">{result.error}</Text>
          </Banner>
        ) : null}
        {result?.ok && result.intent === "import" ? (
          <Banner tone="success" title={`Imported ${count(result.imported ?? 0)} new ${result.imported === 1 ? "row" : "rows"}`}>
            <Text as="p">
              {count(result.preview.alreadyImported)} were imported before, {count(result.preview.unmatched)} match no
              customer and {count(result.preview.badRows)} have errors. Candidates are re-scored.
            </Text>
          </Banner>
        ) : null}
        {preview ? <PreviewDetails preview={preview} fileName={result?.ok ? result.fileName : ""} /> : null}
      </BlockStack>
    </Card>
  );
}

function PreviewDetails({ preview, fileName }: { preview: ImportPreview; fileName: string }) {
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">
        {fileName}: {count(preview.rows)} {preview.rows === 1 ? "row" : "rows"}
        {preview.kind === "reviews" ? `, read as ${REVIEW_FORMAT_LABELS[preview.format as keyof typeof REVIEW_FORMAT_LABELS] ?? preview.format}` : ""}
      </Text>
      <DataTable
        columnContentTypes={["text", "text"]}
        headings={["Field", "Column in the file"]}
        rows={preview.mapping.map((m) => [m.label + (m.required ? "" : " (optional)"), m.column ?? "—"])}
      />
      <List>
        <List.Item>
          {count(preview.matched)} matched to {count(preview.customers)} {preview.customers === 1 ? "customer" : "customers"}
          {preview.alreadyImported > 0 ? ` (${count(preview.alreadyImported)} imported before)` : ""}
        </List.Item>
        <List.Item>{count(preview.unmatched)} match no customer (not imported)</List.Item>
        <List.Item>{count(preview.badRows)} with errors (not imported)</List.Item>
      </List>
      {preview.errors.length > 0 ? (
        <Banner tone="warning" title={`${count(preview.badRows)} ${preview.badRows === 1 ? "row has" : "rows have"} errors`}>
          <List>
            {preview.errors.map((error) => (
              <List.Item key={error.line}>
                Line {error.line}: {error.message}
              </List.Item>
            ))}
          </List>
          {preview.badRows > preview.errors.length ? (
            <Text as="p">And {count(preview.badRows - preview.errors.length)} more.</Text>
          ) : null}
        </Banner>
      ) : null}
    </BlockStack>
  );
}

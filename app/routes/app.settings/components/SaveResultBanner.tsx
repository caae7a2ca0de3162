import { useEffect, useRef } from "react";
import { Banner, Link, Text, type BannerHandles } from "@shopify/polaris";
import type { SettingsFieldErrors, SettingsFormValues } from "./SettingsForm";

export type SaveResult =
  | { ok: true; candidateCount: number; savedAt: string }
  | { ok: false; errors: SettingsFieldErrors; values: SettingsFormValues };

/** The outcome of a save, announced to screen readers (focus moves to it). */
export function SaveResultBanner({ result }: { result: SaveResult }) {
  const ref = useRef<BannerHandles>(null);
  useEffect(() => ref.current?.focus(), [result]);

  if (result.ok) {
    const count = result.candidateCount;
    return (
      <Banner tone="success" title="Settings saved" ref={ref}>
        <Text as="p">
          Candidates were re-ranked with the new settings: {count.toLocaleString("en")}{" "}
          {count === 1 ? "customer qualifies" : "customers qualify"}.{" "}
          <Link url="/app/candidates">See the candidates</Link>.
        </Text>
      </Banner>
    );
  }
  const fields = Object.keys(result.errors).length;
  return (
    <Banner tone="critical" title="Nothing was saved" ref={ref}>
      <Text as="p">
        {fields === 1 ? "One field needs" : `${fields} fields need`} fixing: see the message under{" "}
        {fields === 1 ? "it" : "each"}.
      </Text>
    </Banner>
  );
}

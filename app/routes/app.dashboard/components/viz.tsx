import { useEffect, useState, type ReactNode } from "react";
import { Text } from "@shopify/polaris";

type Viz = typeof import("@shopify/polaris-viz");

/**
 * Polaris Viz, loaded in the browser only: its charts measure their container and read
 * `navigator`, which Node 20's server render does not have. Until it has loaded (and
 * without JavaScript) the card shows its numbers as a table beside the chart anyway.
 */
export function ClientChart({ label, height = 260, render }: { label: string; height?: number; render: (viz: Viz) => ReactNode }) {
  const [viz, setViz] = useState<Viz | null>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz")
      .then((module) => live && setViz(module))
      .catch((error) => console.error("Could not load the charts", error));
    return () => {
      live = false;
    };
  }, []);
  return (
    <div style={{ height }} role="figure" aria-label={label}>
      {viz ? (
        <viz.PolarisVizProvider>{render(viz)}</viz.PolarisVizProvider>
      ) : (
        <Text as="p" tone="subdued">
          Loading chart…
        </Text>
      )}
    </div>
  );
}

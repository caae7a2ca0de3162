import { useEffect, useRef, useState, type ReactNode } from "react";
import { Text } from "@shopify/polaris";

type Viz = typeof import("@shopify/polaris-viz");

/**
 * Polaris Viz, loaded in the browser only: its charts measure their container, which the
 * server render does not have (Node 21+ has a `navigator`, but no window or layout). Until
 * it has loaded (and without JavaScript) the card shows its numbers as a table beside the
 * chart anyway.
 *
 * The drawing is for the eye only: Polaris Viz labels its points and legends with roles
 * screen readers cannot use (points named by a tooltip that does not exist until hovered,
 * lists without items) and makes every point a tab stop. So the drawing is hidden from
 * assistive technology and kept out of the tab order, and the figure's numbers are given
 * as text in `alternative` (a table, or where the card already has one, a pointer to it).
 */
export function ClientChart({
  label,
  alternative,
  height = 260,
  render,
}: {
  label: string;
  alternative: ReactNode;
  height?: number;
  render: (viz: Viz) => ReactNode;
}) {
  const [viz, setViz] = useState<Viz | null>(null);
  const drawing = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz")
      .then((module) => live && setViz(module))
      .catch((error) => console.error("Could not load the charts", error));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    const root = drawing.current;
    if (!viz || !root) return;
    const untab = () => {
      for (const el of root.querySelectorAll<HTMLElement | SVGElement>(':is([tabindex], a[href], button):not([tabindex="-1"])')) {
        el.setAttribute("tabindex", "-1");
      }
    };
    untab();
    // The chart redraws on hover and resize: keep new points out of the tab order too.
    const observer = new MutationObserver(untab);
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex"] });
    return () => observer.disconnect();
  }, [viz]);
  return (
    <div role="figure" aria-label={label}>
      <div ref={drawing} style={{ height }} aria-hidden="true">
        {viz ? (
          <viz.PolarisVizProvider>{render(viz)}</viz.PolarisVizProvider>
        ) : (
          <Text as="p" tone="subdued">
            Loading chart…
          </Text>
        )}
      </div>
      {alternative}
    </div>
  );
}

import { Text, type TextProps } from "@shopify/polaris";

type CellTextProps = Omit<TextProps, "as" | "children" | "truncate"> & {
  children: string;
  /** The widest the text may grow before it is cut. */
  maxWidth?: string;
};

/**
 * A name, email or handle in a table cell: kept to one line and cut with an ellipsis, so
 * a long unbroken value never pushes the other columns off-screen. The whole value shows
 * on hover (title) and stays in the page for screen readers.
 */
export function CellText({ children, maxWidth = "16rem", ...text }: CellTextProps) {
  return (
    <div title={children} style={{ maxWidth, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
      <Text as="span" {...text}>
        {children}
      </Text>
    </div>
  );
}

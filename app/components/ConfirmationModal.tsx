import { useCallback, useState, type ReactNode } from "react";
import { BlockStack, Modal, Text } from "@shopify/polaris";

export interface Confirmation {
  title: string;
  /** What will change, in Shopify above all, in a sentence or two each. */
  changes: ReactNode[];
  confirm: string;
  destructive?: boolean;
  onConfirm: () => void;
}

/**
 * Destructive and store-wide actions ask first: `ask(confirmation)` opens a modal that
 * says what will change; the action runs only on its confirm button.
 */
export function useConfirmation() {
  const [pending, setPending] = useState<Confirmation | null>(null);
  const ask = useCallback((confirmation: Confirmation) => setPending(confirmation), []);
  const close = () => setPending(null);

  const modal = pending ? (
    <Modal
      open
      onClose={close}
      title={pending.title}
      primaryAction={{
        content: pending.confirm,
        destructive: pending.destructive,
        onAction: () => {
          close();
          pending.onConfirm();
        },
      }}
      secondaryActions={[{ content: "Cancel", onAction: close }]}
    >
      <Modal.Section>
        <BlockStack gap="200">
          {pending.changes.map((change, index) => (
            <Text as="p" key={index}>
              {change}
            </Text>
          ))}
        </BlockStack>
      </Modal.Section>
    </Modal>
  ) : null;

  return { ask, modal };
}

/** Approving several customers at once: what it does in Shopify, for each of them. */
export function bulkApprovalConfirmation(count: number, onConfirm: () => void): Confirmation {
  const customers = `${count.toLocaleString("en")} customers`;
  return {
    title: `Approve ${customers} as ambassadors?`,
    changes: [
      `Each of the ${customers} gets a personal discount code in Shopify, added to the “Ambassador program” discount, so it applies at checkout from now on.`,
      "Each customer gets the ambassador tag and their code in metafields, and Shopify Flow’s “Ambassador approved” trigger runs for each (your welcome emails and automations).",
    ],
    confirm: `Approve ${customers}`,
    onConfirm,
  };
}

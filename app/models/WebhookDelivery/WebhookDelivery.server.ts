import { Prisma } from "@prisma/client";
import prisma from "../../db.server";

export interface Delivery {
  webhookId: string;
  shop: string;
  topic: string;
}

/**
 * Runs `handle` once per Shopify delivery id: Shopify retries deliveries it thinks
 * failed, so the same X-Shopify-Webhook-Id can arrive many times. The id is recorded in
 * the same transaction as the effect, so a crash leaves neither and the retry redoes it.
 * Returns false when this delivery was already handled.
 */
export async function handleOnce(
  delivery: Delivery,
  handle: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<boolean> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.webhookDelivery.create({ data: delivery });
      await handle(tx);
    });
    return true;
  } catch (error) {
    if (
      error instanceof Prisma.PrismaClientKnownRequestError &&
      error.code === "P2002"
    ) {
      return false;
    }
    throw error;
  }
}

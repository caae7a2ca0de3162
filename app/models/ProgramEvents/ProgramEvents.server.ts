/**
 * The program-event outbox (docs/flow-and-klaviyo.md). A moment of the program (an
 * application, an approval, a reward earned, …) is recorded here in the same transaction
 * as the change that made it happen; delivery.server.ts then sends each row to Shopify
 * Flow and to Klaviyo. The key is unique per shop, so applying the same cause twice (a
 * webhook redelivered, a job retried) records one event, and a recorded event is never
 * sent again once a destination has taken it.
 */
import type { Prisma } from "@prisma/client";
import type { ProgramEventData, ProgramEventKind } from "./kinds";

/** Any client that can write the outbox: the app's client or a transaction's. */
type Db = Pick<Prisma.TransactionClient, "programEvent">;

export interface ProgramEventInput<K extends ProgramEventKind = ProgramEventKind> {
  kind: K;
  /**
   * What makes this moment one of a kind, e.g. the reward entry's sourceKey, the payout's
   * id, `<tierId>:<ambassadorId>`. The event's key is `<kind>:<subject>`.
   */
  subject: string;
  ambassadorId: string | null;
  data: ProgramEventData[K];
  occurredAt?: Date;
  /** The caller fired the Flow trigger itself (the approval's, from provisioning): Klaviyo only. */
  flowDeliveredAt?: Date;
}

export type AnyProgramEventInput = { [K in ProgramEventKind]: ProgramEventInput<K> }[ProgramEventKind];

export function programEventKey(kind: ProgramEventKind, subject: string): string {
  return `${kind}:${subject}`;
}

/**
 * Records moments of the program; call it inside the transaction that makes them happen.
 * An event whose key the shop has already recorded is skipped. Returns a Prisma promise,
 * so it also fits an array `$transaction([...])`.
 *
 * Example, from a model that created a gift:
 *   await recordProgramEvent(tx, shop, {
 *     kind: "gift_created", subject: gift.id, ambassadorId, data: { gift: gift.title },
 *   });
 * The delivery job sweeps new events every minute (app/jobs/program-events.server.ts);
 * a caller that wants them sent sooner calls `enqueueProgramEventDelivery(shop)` after
 * its transaction committed.
 */
export function recordProgramEvents(db: Db, shop: string, events: AnyProgramEventInput[]) {
  return db.programEvent.createMany({
    data: events.map((event) => ({
      shop,
      kind: event.kind,
      key: programEventKey(event.kind, event.subject),
      ambassadorId: event.ambassadorId,
      data: JSON.stringify(event.data),
      ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
      ...(event.flowDeliveredAt ? { flowDeliveredAt: event.flowDeliveredAt } : {}),
    })),
    skipDuplicates: true,
  });
}

/** One moment; see `recordProgramEvents`. */
export function recordProgramEvent<K extends ProgramEventKind>(db: Db, shop: string, event: ProgramEventInput<K>) {
  return recordProgramEvents(db, shop, [event as AnyProgramEventInput]);
}

-- At most one unfinished history sync per shop, enforced by the database: two requests
-- claiming a sync at the same moment (two app instances, or PostgreSQL's concurrent
-- transactions) cannot both insert one. Hand-written: Prisma cannot declare a partial index.
-- Unfinished duplicates from before are closed first, the newest of each shop kept.
UPDATE "HistorySync"
SET "finishedAt" = strftime('%Y-%m-%dT%H:%M:%S.000+00:00', 'now'), "status" = 'failed', "error" = 'Superseded by a newer sync.'
WHERE "finishedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "HistorySync" AS "newer"
  WHERE "newer"."shop" = "HistorySync"."shop" AND "newer"."finishedAt" IS NULL
    AND ("newer"."startedAt", "newer"."id") > ("HistorySync"."startedAt", "HistorySync"."id")
);

CREATE UNIQUE INDEX "HistorySync_shop_unfinished_key" ON "HistorySync"("shop") WHERE "finishedAt" IS NULL;

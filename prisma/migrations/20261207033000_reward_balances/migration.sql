-- CreateTable
CREATE TABLE "RewardBalance" (
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "pendingCents" BIGINT NOT NULL DEFAULT 0,
    "approvedCents" BIGINT NOT NULL DEFAULT 0,
    "inPayoutCents" BIGINT NOT NULL DEFAULT 0,
    "paidCents" BIGINT NOT NULL DEFAULT 0,
    "entries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RewardBalance_pkey" PRIMARY KEY ("shop","ambassadorId")
);

-- CreateIndex
CREATE INDEX "RewardBalance_shop_approvedCents_pendingCents_ambassadorId_idx" ON "RewardBalance"("shop", "approvedCents" DESC, "pendingCents" DESC, "ambassadorId");

-- Hand-written from here: the balances of the ledger as it stands, then the trigger that
-- keeps them, after every statement on the ledger whoever runs it (one upsert per
-- statement, not per row, from its transition tables).
INSERT INTO "RewardBalance" ("shop", "ambassadorId", "pendingCents", "approvedCents", "inPayoutCents", "paidCents", "entries")
SELECT "shop", "ambassadorId",
       SUM(CASE WHEN "status" = 'pending' THEN "amountCents" ELSE 0 END),
       SUM(CASE WHEN "status" = 'approved' AND "payoutId" IS NULL THEN "amountCents" ELSE 0 END),
       SUM(CASE WHEN "status" = 'approved' AND "payoutId" IS NOT NULL THEN "amountCents" ELSE 0 END),
       SUM(CASE WHEN "status" = 'paid' THEN "amountCents" ELSE 0 END),
       COUNT(*)
FROM "RewardEntry" WHERE "status" IN ('pending', 'approved', 'paid')
GROUP BY "shop", "ambassadorId";

-- Each statement of the ledger adds the new state of its rows (new_entries) to their
-- ambassadors' balances and takes away the old one (old_entries), and a balance left with
-- no live entry goes. The function body is an escape string whose statement ends are
-- written \x3B: migrations are split into statements at every semicolon.
CREATE FUNCTION "reward_balance_after_change"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO "RewardBalance" AS b
      ("shop", "ambassadorId", "pendingCents", "approvedCents", "inPayoutCents", "paidCents", "entries")
    SELECT "shop", "ambassadorId", p, a, i, d, e FROM (
      SELECT "shop", "ambassadorId",
             SUM(CASE WHEN "status" = ''pending'' THEN sign * "amountCents" ELSE 0 END) AS p,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NULL THEN sign * "amountCents" ELSE 0 END) AS a,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NOT NULL THEN sign * "amountCents" ELSE 0 END) AS i,
             SUM(CASE WHEN "status" = ''paid'' THEN sign * "amountCents" ELSE 0 END) AS d,
             SUM(CASE WHEN "status" <> ''void'' THEN sign ELSE 0 END) AS e
      FROM (SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", 1 AS sign FROM new_entries) AS c
      GROUP BY "shop", "ambassadorId"
    ) AS g
    WHERE p <> 0 OR a <> 0 OR i <> 0 OR d <> 0 OR e <> 0
    ORDER BY "shop", "ambassadorId"
    ON CONFLICT ("shop", "ambassadorId") DO UPDATE SET
      "pendingCents" = b."pendingCents" + excluded."pendingCents",
      "approvedCents" = b."approvedCents" + excluded."approvedCents",
      "inPayoutCents" = b."inPayoutCents" + excluded."inPayoutCents",
      "paidCents" = b."paidCents" + excluded."paidCents",
      "entries" = b."entries" + excluded."entries"\x3B
  ELSIF TG_OP = ''DELETE'' THEN
    INSERT INTO "RewardBalance" AS b
      ("shop", "ambassadorId", "pendingCents", "approvedCents", "inPayoutCents", "paidCents", "entries")
    SELECT "shop", "ambassadorId", p, a, i, d, e FROM (
      SELECT "shop", "ambassadorId",
             SUM(CASE WHEN "status" = ''pending'' THEN sign * "amountCents" ELSE 0 END) AS p,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NULL THEN sign * "amountCents" ELSE 0 END) AS a,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NOT NULL THEN sign * "amountCents" ELSE 0 END) AS i,
             SUM(CASE WHEN "status" = ''paid'' THEN sign * "amountCents" ELSE 0 END) AS d,
             SUM(CASE WHEN "status" <> ''void'' THEN sign ELSE 0 END) AS e
      FROM (SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", -1 AS sign FROM old_entries) AS c
      GROUP BY "shop", "ambassadorId"
    ) AS g
    WHERE p <> 0 OR a <> 0 OR i <> 0 OR d <> 0 OR e <> 0
    ORDER BY "shop", "ambassadorId"
    ON CONFLICT ("shop", "ambassadorId") DO UPDATE SET
      "pendingCents" = b."pendingCents" + excluded."pendingCents",
      "approvedCents" = b."approvedCents" + excluded."approvedCents",
      "inPayoutCents" = b."inPayoutCents" + excluded."inPayoutCents",
      "paidCents" = b."paidCents" + excluded."paidCents",
      "entries" = b."entries" + excluded."entries"\x3B
    DELETE FROM "RewardBalance" b USING (SELECT DISTINCT "shop", "ambassadorId" FROM (SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", -1 AS sign FROM old_entries) AS c) AS t
    WHERE b."shop" = t."shop" AND b."ambassadorId" = t."ambassadorId" AND b."entries" = 0\x3B
  ELSE
    INSERT INTO "RewardBalance" AS b
      ("shop", "ambassadorId", "pendingCents", "approvedCents", "inPayoutCents", "paidCents", "entries")
    SELECT "shop", "ambassadorId", p, a, i, d, e FROM (
      SELECT "shop", "ambassadorId",
             SUM(CASE WHEN "status" = ''pending'' THEN sign * "amountCents" ELSE 0 END) AS p,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NULL THEN sign * "amountCents" ELSE 0 END) AS a,
             SUM(CASE WHEN "status" = ''approved'' AND "payoutId" IS NOT NULL THEN sign * "amountCents" ELSE 0 END) AS i,
             SUM(CASE WHEN "status" = ''paid'' THEN sign * "amountCents" ELSE 0 END) AS d,
             SUM(CASE WHEN "status" <> ''void'' THEN sign ELSE 0 END) AS e
      FROM (SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", 1 AS sign FROM new_entries UNION ALL SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", -1 AS sign FROM old_entries) AS c
      GROUP BY "shop", "ambassadorId"
    ) AS g
    WHERE p <> 0 OR a <> 0 OR i <> 0 OR d <> 0 OR e <> 0
    ORDER BY "shop", "ambassadorId"
    ON CONFLICT ("shop", "ambassadorId") DO UPDATE SET
      "pendingCents" = b."pendingCents" + excluded."pendingCents",
      "approvedCents" = b."approvedCents" + excluded."approvedCents",
      "inPayoutCents" = b."inPayoutCents" + excluded."inPayoutCents",
      "paidCents" = b."paidCents" + excluded."paidCents",
      "entries" = b."entries" + excluded."entries"\x3B
    DELETE FROM "RewardBalance" b USING (SELECT DISTINCT "shop", "ambassadorId" FROM (SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", 1 AS sign FROM new_entries UNION ALL SELECT "shop", "ambassadorId", "status", "payoutId", "amountCents", -1 AS sign FROM old_entries) AS c) AS t
    WHERE b."shop" = t."shop" AND b."ambassadorId" = t."ambassadorId" AND b."entries" = 0\x3B
  END IF\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "RewardEntry_balance_insert" AFTER INSERT ON "RewardEntry"
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "reward_balance_after_change"();

CREATE TRIGGER "RewardEntry_balance_update" AFTER UPDATE ON "RewardEntry"
  REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "reward_balance_after_change"();

CREATE TRIGGER "RewardEntry_balance_delete" AFTER DELETE ON "RewardEntry"
  REFERENCING OLD TABLE AS old_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "reward_balance_after_change"();

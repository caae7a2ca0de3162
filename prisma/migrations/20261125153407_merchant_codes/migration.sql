-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AmbassadorCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "wanted" TEXT NOT NULL DEFAULT 'active',
    "shopifyState" TEXT NOT NULL DEFAULT 'absent',
    "bulkCreationId" TEXT,
    "removalJobId" TEXT,
    "batchId" TEXT,
    "chosenByMerchant" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME,
    "retiredAt" DATETIME
);
INSERT INTO "new_AmbassadorCode" ("activatedAt", "ambassadorId", "batchId", "bulkCreationId", "code", "createdAt", "error", "id", "removalJobId", "retiredAt", "shop", "shopifyState", "wanted") SELECT "activatedAt", "ambassadorId", "batchId", "bulkCreationId", "code", "createdAt", "error", "id", "removalJobId", "retiredAt", "shop", "shopifyState", "wanted" FROM "AmbassadorCode";
DROP TABLE "AmbassadorCode";
ALTER TABLE "new_AmbassadorCode" RENAME TO "AmbassadorCode";
CREATE INDEX "AmbassadorCode_shop_shopifyState_wanted_idx" ON "AmbassadorCode"("shop", "shopifyState", "wanted");
CREATE INDEX "AmbassadorCode_shop_ambassadorId_idx" ON "AmbassadorCode"("shop", "ambassadorId");
CREATE INDEX "AmbassadorCode_shop_batchId_idx" ON "AmbassadorCode"("shop", "batchId");
CREATE UNIQUE INDEX "AmbassadorCode_shop_code_key" ON "AmbassadorCode"("shop", "code");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


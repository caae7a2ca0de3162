-- CreateTable
CREATE TABLE "ProgramSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "minOrders" INTEGER NOT NULL DEFAULT 2,
    "minSpentCents" BIGINT NOT NULL DEFAULT 0,
    "recencyDays" INTEGER NOT NULL DEFAULT 365,
    "currencyCode" TEXT,
    "spendReferenceCents" BIGINT NOT NULL DEFAULT 0,
    "scoresComputedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OrderFact" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT,
    "processedAt" DATETIME NOT NULL,
    "totalCents" BIGINT NOT NULL,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" DATETIME,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "discountCodes" TEXT NOT NULL DEFAULT '',
    "sourceUpdatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "orderId")
);

-- CreateTable
CREATE TABLE "RefundFact" (
    "shop" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "refundId")
);

-- CreateTable
CREATE TABLE "CustomerStats" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "netSpentCents" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "displayName" TEXT,
    "email" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "profileUpdatedAt" DATETIME,
    "personalDataErasedAt" DATETIME,
    "ambassadorStatus" TEXT NOT NULL DEFAULT 'none',
    "decidedAt" DATETIME,
    "scoreMilli" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "HistorySync" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "objectCount" INTEGER NOT NULL DEFAULT 0,
    "processedLines" INTEGER NOT NULL DEFAULT 0,
    "ordersIngested" INTEGER NOT NULL DEFAULT 0,
    "pageCursor" TEXT,
    "ordersReadableSince" DATETIME,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "error" TEXT
);

-- CreateIndex
CREATE INDEX "OrderFact_shop_customerId_idx" ON "OrderFact"("shop", "customerId");

-- CreateIndex
CREATE INDEX "RefundFact_shop_orderId_idx" ON "RefundFact"("shop", "orderId");

-- CreateIndex
CREATE INDEX "CustomerStats_shop_scoreMilli_customerId_idx" ON "CustomerStats"("shop", "scoreMilli", "customerId");

-- CreateIndex
CREATE INDEX "CustomerStats_shop_orderCount_customerId_idx" ON "CustomerStats"("shop", "orderCount", "customerId");

-- CreateIndex
CREATE INDEX "CustomerStats_shop_netSpentCents_customerId_idx" ON "CustomerStats"("shop", "netSpentCents", "customerId");

-- CreateIndex
CREATE INDEX "CustomerStats_shop_lastOrderAt_customerId_idx" ON "CustomerStats"("shop", "lastOrderAt", "customerId");

-- CreateIndex
CREATE INDEX "HistorySync_shop_startedAt_idx" ON "HistorySync"("shop", "startedAt");


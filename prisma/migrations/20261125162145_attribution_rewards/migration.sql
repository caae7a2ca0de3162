-- CreateTable
CREATE TABLE "AttributedOrder" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "buyerCustomerId" TEXT,
    "processedAt" DATETIME NOT NULL,
    "newCustomer" BOOLEAN NOT NULL DEFAULT false,
    "selfReferral" BOOLEAN NOT NULL DEFAULT false,
    "discountCents" BIGINT NOT NULL DEFAULT 0,
    "netCents" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "orderId")
);

-- CreateTable
CREATE TABLE "RewardEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "orderId" TEXT,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "holdUntil" DATETIME,
    "payoutId" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Payout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "method" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reference" TEXT NOT NULL DEFAULT '',
    "shopifyReference" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paidAt" DATETIME
);

-- CreateTable
CREATE TABLE "RewardSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "commissionBasisPoints" INTEGER NOT NULL DEFAULT 1000,
    "flatRewardCents" BIGINT NOT NULL DEFAULT 0,
    "holdDays" INTEGER NOT NULL DEFAULT 30,
    "payoutMethod" TEXT NOT NULL DEFAULT 'cash',
    "leakOrdersPerDay" INTEGER NOT NULL DEFAULT 20,
    "leakAutoPause" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RewardTier" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "minSalesCents" BIGINT NOT NULL DEFAULT 0,
    "minOrders" INTEGER NOT NULL DEFAULT 0,
    "commissionBasisPoints" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RewardMilestone" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "minSalesCents" BIGINT NOT NULL DEFAULT 0,
    "minOrders" INTEGER NOT NULL DEFAULT 0,
    "bonusCents" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmbassadorTier" (
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "tierId" TEXT,
    "taggedAs" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "ambassadorId")
);

-- CreateTable
CREATE TABLE "FraudFlag" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME
);

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "ordersRead" INTEGER NOT NULL DEFAULT 0,
    "ordersFixed" INTEGER NOT NULL DEFAULT 0,
    "report" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "MetricsCache" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "staleSince" DATETIME,

    PRIMARY KEY ("shop", "key")
);

-- CreateIndex
CREATE INDEX "AttributedOrder_shop_ambassadorId_processedAt_idx" ON "AttributedOrder"("shop", "ambassadorId", "processedAt");

-- CreateIndex
CREATE INDEX "AttributedOrder_shop_processedAt_idx" ON "AttributedOrder"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "AttributedOrder_shop_code_processedAt_idx" ON "AttributedOrder"("shop", "code", "processedAt");

-- CreateIndex
CREATE INDEX "RewardEntry_shop_ambassadorId_status_idx" ON "RewardEntry"("shop", "ambassadorId", "status");

-- CreateIndex
CREATE INDEX "RewardEntry_shop_status_holdUntil_idx" ON "RewardEntry"("shop", "status", "holdUntil");

-- CreateIndex
CREATE INDEX "RewardEntry_shop_payoutId_idx" ON "RewardEntry"("shop", "payoutId");

-- CreateIndex
CREATE UNIQUE INDEX "RewardEntry_shop_sourceKey_key" ON "RewardEntry"("shop", "sourceKey");

-- CreateIndex
CREATE INDEX "Payout_shop_createdAt_idx" ON "Payout"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Payout_shop_ambassadorId_idx" ON "Payout"("shop", "ambassadorId");

-- CreateIndex
CREATE INDEX "Payout_shop_status_idx" ON "Payout"("shop", "status");

-- CreateIndex
CREATE INDEX "RewardTier_shop_minSalesCents_idx" ON "RewardTier"("shop", "minSalesCents");

-- CreateIndex
CREATE INDEX "RewardMilestone_shop_idx" ON "RewardMilestone"("shop");

-- CreateIndex
CREATE INDEX "FraudFlag_shop_ambassadorId_createdAt_idx" ON "FraudFlag"("shop", "ambassadorId", "createdAt");

-- CreateIndex
CREATE INDEX "FraudFlag_shop_resolvedAt_idx" ON "FraudFlag"("shop", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FraudFlag_shop_kind_sourceKey_key" ON "FraudFlag"("shop", "kind", "sourceKey");

-- CreateIndex
CREATE INDEX "ReconciliationRun_shop_startedAt_idx" ON "ReconciliationRun"("shop", "startedAt");


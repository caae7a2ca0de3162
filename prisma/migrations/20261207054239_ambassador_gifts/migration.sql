-- AlterTable
ALTER TABLE "RewardTier" ADD COLUMN     "earlyAccess" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "giftOnReach" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "RewardMilestone" ADD COLUMN     "giftOnReach" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "GiftSettings" (
    "shop" TEXT NOT NULL,
    "packageItems" JSONB NOT NULL DEFAULT '[]',
    "welcomeOnApproval" BOOLEAN NOT NULL DEFAULT false,
    "welcomeFrom" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GiftSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Gift" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "occasion" TEXT NOT NULL,
    "occasionLabel" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "draftOrderId" TEXT,
    "draftOrderName" TEXT,
    "orderName" TEXT,
    "addressMissing" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "batchId" TEXT,
    "checkedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Gift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GiftBatch" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "occasionLabel" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "GiftBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Gift_shop_state_idx" ON "Gift"("shop", "state");

-- CreateIndex
CREATE INDEX "Gift_shop_batchId_idx" ON "Gift"("shop", "batchId");

-- CreateIndex
CREATE UNIQUE INDEX "Gift_shop_ambassadorId_occasion_key" ON "Gift"("shop", "ambassadorId", "occasion");

-- CreateIndex
CREATE INDEX "GiftBatch_shop_createdAt_idx" ON "GiftBatch"("shop", "createdAt");


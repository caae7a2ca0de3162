-- AlterTable
ALTER TABLE "RewardEntry" ADD COLUMN "basisPoints" INTEGER;
ALTER TABLE "RewardEntry" ADD COLUMN "flatCents" BIGINT;

-- AlterTable
ALTER TABLE "Payout" ADD COLUMN "sendingAt" DATETIME;

-- AlterTable
ALTER TABLE "AmbassadorTier" ADD COLUMN "error" TEXT;


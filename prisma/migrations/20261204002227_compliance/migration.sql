-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "codesAtUninstall" TEXT;
ALTER TABLE "Shop" ADD COLUMN "scopesUpdatedAt" DATETIME;

-- AlterTable
ALTER TABLE "AmbassadorProgram" ADD COLUMN "codesPausedAt" DATETIME;
ALTER TABLE "AmbassadorProgram" ADD COLUMN "pauseReason" TEXT;
ALTER TABLE "AmbassadorProgram" ADD COLUMN "pausedAt" DATETIME;

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "requestId" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "ordersRequested" TEXT NOT NULL DEFAULT '',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "downloadedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shop_receivedAt_idx" ON "CustomerDataRequest"("shop", "receivedAt");


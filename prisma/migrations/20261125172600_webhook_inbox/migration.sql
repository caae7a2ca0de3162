-- CreateTable
CREATE TABLE "WebhookInbox" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "WebhookInbox_shop_processedAt_receivedAt_idx" ON "WebhookInbox"("shop", "processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookInbox_processedAt_idx" ON "WebhookInbox"("processedAt");


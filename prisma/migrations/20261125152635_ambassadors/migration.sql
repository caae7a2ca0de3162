-- CreateTable
CREATE TABLE "AmbassadorProgram" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "discountKind" TEXT NOT NULL DEFAULT 'percentage',
    "discountPercent" INTEGER NOT NULL DEFAULT 10,
    "discountAmountCents" BIGINT NOT NULL DEFAULT 0,
    "minimumOrderCents" BIGINT NOT NULL DEFAULT 0,
    "oncePerCustomer" BOOLEAN NOT NULL DEFAULT true,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT true,
    "discountEndsAt" DATETIME,
    "codeDigits" INTEGER NOT NULL DEFAULT 3,
    "ambassadorTag" TEXT NOT NULL DEFAULT 'ambassador',
    "autoApprove" BOOLEAN NOT NULL DEFAULT false,
    "programDiscountId" TEXT,
    "storefrontUrl" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Ambassador" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "socialHandle" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "code" TEXT,
    "welcomeSyncedAt" DATETIME,
    "lastError" TEXT,
    "invitedAt" DATETIME,
    "activatedAt" DATETIME,
    "pausedAt" DATETIME,
    "removedAt" DATETIME,
    "personalDataErasedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AmbassadorCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "wanted" TEXT NOT NULL DEFAULT 'active',
    "shopifyState" TEXT NOT NULL DEFAULT 'absent',
    "bulkCreationId" TEXT,
    "removalJobId" TEXT,
    "batchId" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME,
    "retiredAt" DATETIME
);

-- CreateTable
CREATE TABLE "ApprovalBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AmbassadorEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmbassadorApplication" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "socialHandle" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "customerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "ambassadorId" TEXT,
    "submissions" INTEGER NOT NULL DEFAULT 1,
    "consentedAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "personalDataErasedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ShareClick" (
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "visitorHash" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "ambassadorId", "day", "visitorHash")
);

-- CreateTable
CREATE TABLE "ProgramNews" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "publishedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmbassadorFeedback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "rating" INTEGER,
    "message" TEXT NOT NULL,
    "readAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ContentSubmission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "key", "windowStart")
);

-- CreateIndex
CREATE INDEX "Ambassador_shop_status_createdAt_idx" ON "Ambassador"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Ambassador_shop_email_idx" ON "Ambassador"("shop", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Ambassador_shop_customerId_key" ON "Ambassador"("shop", "customerId");

-- CreateIndex
CREATE INDEX "AmbassadorCode_shop_shopifyState_wanted_idx" ON "AmbassadorCode"("shop", "shopifyState", "wanted");

-- CreateIndex
CREATE INDEX "AmbassadorCode_shop_ambassadorId_idx" ON "AmbassadorCode"("shop", "ambassadorId");

-- CreateIndex
CREATE INDEX "AmbassadorCode_shop_batchId_idx" ON "AmbassadorCode"("shop", "batchId");

-- CreateIndex
CREATE UNIQUE INDEX "AmbassadorCode_shop_code_key" ON "AmbassadorCode"("shop", "code");

-- CreateIndex
CREATE INDEX "ApprovalBatch_shop_createdAt_idx" ON "ApprovalBatch"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "AmbassadorEvent_shop_ambassadorId_createdAt_idx" ON "AmbassadorEvent"("shop", "ambassadorId", "createdAt");

-- CreateIndex
CREATE INDEX "AmbassadorApplication_shop_status_createdAt_idx" ON "AmbassadorApplication"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "AmbassadorApplication_shop_customerId_idx" ON "AmbassadorApplication"("shop", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "AmbassadorApplication_shop_email_key" ON "AmbassadorApplication"("shop", "email");

-- CreateIndex
CREATE INDEX "ShareClick_shop_day_idx" ON "ShareClick"("shop", "day");

-- CreateIndex
CREATE INDEX "ProgramNews_shop_publishedAt_idx" ON "ProgramNews"("shop", "publishedAt");

-- CreateIndex
CREATE INDEX "AmbassadorFeedback_shop_createdAt_idx" ON "AmbassadorFeedback"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "AmbassadorFeedback_shop_ambassadorId_idx" ON "AmbassadorFeedback"("shop", "ambassadorId");

-- CreateIndex
CREATE INDEX "ContentSubmission_shop_ambassadorId_createdAt_idx" ON "ContentSubmission"("shop", "ambassadorId", "createdAt");


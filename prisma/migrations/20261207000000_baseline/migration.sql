-- The whole schema, squashed from the migrations written before PostgreSQL became the only database.

-- From 20261125172600_webhook_inbox

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT '',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "WebhookInbox" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "WebhookInbox_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "ProgramSettings" (
    "shop" TEXT NOT NULL,
    "minOrders" INTEGER NOT NULL DEFAULT 2,
    "minSpentCents" BIGINT NOT NULL DEFAULT 0,
    "recencyDays" INTEGER NOT NULL DEFAULT 365,
    "currencyCode" TEXT,
    "spendReferenceCents" BIGINT NOT NULL DEFAULT 0,
    "scoresComputedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProgramSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "OrderFact" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "totalCents" BIGINT NOT NULL,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" TIMESTAMP(3),
    "test" BOOLEAN NOT NULL DEFAULT false,
    "discountCodes" TEXT NOT NULL DEFAULT '',
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderFact_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "OrderFactStaging" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "totalCents" BIGINT NOT NULL,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" TIMESTAMP(3),
    "test" BOOLEAN NOT NULL DEFAULT false,
    "discountCodes" TEXT NOT NULL DEFAULT '',
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderFactStaging_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "CustomerProfileStaging" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "displayName" TEXT,
    "email" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "profileUpdatedAt" TIMESTAMP(3),

    CONSTRAINT "CustomerProfileStaging_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "RefundFact" (
    "shop" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RefundFact_pkey" PRIMARY KEY ("shop","refundId")
);

-- CreateTable
CREATE TABLE "CustomerStats" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "netSpentCents" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" TIMESTAMP(3),
    "lastOrderAt" TIMESTAMP(3),
    "displayName" TEXT,
    "email" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "profileUpdatedAt" TIMESTAMP(3),
    "personalDataErasedAt" TIMESTAMP(3),
    "ambassadorStatus" TEXT NOT NULL DEFAULT 'none',
    "decidedAt" TIMESTAMP(3),
    "scoreMilli" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CustomerStats_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "HistorySync" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "objectCount" INTEGER NOT NULL DEFAULT 0,
    "processedLines" INTEGER NOT NULL DEFAULT 0,
    "ordersIngested" INTEGER NOT NULL DEFAULT 0,
    "pageCursor" TEXT,
    "ordersReadableSince" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "HistorySync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorProgram" (
    "shop" TEXT NOT NULL,
    "discountKind" TEXT NOT NULL DEFAULT 'percentage',
    "discountPercent" INTEGER NOT NULL DEFAULT 10,
    "discountAmountCents" BIGINT NOT NULL DEFAULT 0,
    "minimumOrderCents" BIGINT NOT NULL DEFAULT 0,
    "oncePerCustomer" BOOLEAN NOT NULL DEFAULT true,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT true,
    "discountEndsAt" TIMESTAMP(3),
    "codeDigits" INTEGER NOT NULL DEFAULT 3,
    "ambassadorTag" TEXT NOT NULL DEFAULT 'ambassador',
    "autoApprove" BOOLEAN NOT NULL DEFAULT false,
    "programDiscountId" TEXT,
    "storefrontUrl" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmbassadorProgram_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Ambassador" (
    "id" TEXT NOT NULL,
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
    "welcomeSyncedAt" TIMESTAMP(3),
    "metafieldsCode" TEXT,
    "lastError" TEXT,
    "invitedAt" TIMESTAMP(3),
    "activatedAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "removedAt" TIMESTAMP(3),
    "personalDataErasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ambassador_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorCode" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "AmbassadorCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalBatch" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ApprovalBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmbassadorEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorApplication" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "socialHandle" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "customerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "ambassadorId" TEXT,
    "submissions" INTEGER NOT NULL DEFAULT 1,
    "consentedAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "personalDataErasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmbassadorApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShareClick" (
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "visitorHash" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShareClick_pkey" PRIMARY KEY ("shop","ambassadorId","day","visitorHash")
);

-- CreateTable
CREATE TABLE "ProgramNews" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProgramNews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorFeedback" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "rating" INTEGER,
    "message" TEXT NOT NULL,
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmbassadorFeedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentSubmission" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("shop","key","windowStart")
);

-- CreateTable
CREATE TABLE "AttributedOrder" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "buyerCustomerId" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "newCustomer" BOOLEAN NOT NULL DEFAULT false,
    "selfReferral" BOOLEAN NOT NULL DEFAULT false,
    "discountCents" BIGINT NOT NULL DEFAULT 0,
    "netCents" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AttributedOrder_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "RewardEntry" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "orderId" TEXT,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "holdUntil" TIMESTAMP(3),
    "basisPoints" INTEGER,
    "flatCents" BIGINT,
    "payoutId" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payout" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "method" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "sendingAt" TIMESTAMP(3),
    "reference" TEXT NOT NULL DEFAULT '',
    "shopifyReference" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paidAt" TIMESTAMP(3),

    CONSTRAINT "Payout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardSettings" (
    "shop" TEXT NOT NULL,
    "commissionBasisPoints" INTEGER NOT NULL DEFAULT 1000,
    "flatRewardCents" BIGINT NOT NULL DEFAULT 0,
    "holdDays" INTEGER NOT NULL DEFAULT 30,
    "payoutMethod" TEXT NOT NULL DEFAULT 'cash',
    "leakOrdersPerDay" INTEGER NOT NULL DEFAULT 20,
    "leakAutoPause" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RewardSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "RewardTier" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "minSalesCents" BIGINT NOT NULL DEFAULT 0,
    "minOrders" INTEGER NOT NULL DEFAULT 0,
    "commissionBasisPoints" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardTier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardMilestone" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "minSalesCents" BIGINT NOT NULL DEFAULT 0,
    "minOrders" INTEGER NOT NULL DEFAULT 0,
    "bonusCents" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardMilestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmbassadorTier" (
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "tierId" TEXT,
    "taggedAs" TEXT,
    "error" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmbassadorTier_pkey" PRIMARY KEY ("shop","ambassadorId")
);

-- CreateTable
CREATE TABLE "FraudFlag" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ambassadorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "FraudFlag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "ordersRead" INTEGER NOT NULL DEFAULT 0,
    "ordersFixed" INTEGER NOT NULL DEFAULT 0,
    "report" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricsCache" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "staleSince" TIMESTAMP(3),

    CONSTRAINT "MetricsCache_pkey" PRIMARY KEY ("shop","key")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_idx" ON "WebhookDelivery"("shop");

-- CreateIndex
CREATE INDEX "WebhookInbox_shop_processedAt_receivedAt_idx" ON "WebhookInbox"("shop", "processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookInbox_processedAt_idx" ON "WebhookInbox"("processedAt");

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
CREATE INDEX "RewardEntry_shop_orderId_idx" ON "RewardEntry"("shop", "orderId");

-- CreateIndex
CREATE INDEX "RewardEntry_shop_kind_createdAt_idx" ON "RewardEntry"("shop", "kind", "createdAt");

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


-- Hand-written: the Candidates page's sort indexes hold candidates only (Prisma cannot
-- declare a partial index).
DROP INDEX "CustomerStats_shop_orderCount_customerId_idx";
CREATE INDEX "CustomerStats_shop_orderCount_customerId_idx" ON "CustomerStats"("shop", "orderCount", "customerId") WHERE "scoreMilli" > 0;

DROP INDEX "CustomerStats_shop_netSpentCents_customerId_idx";
CREATE INDEX "CustomerStats_shop_netSpentCents_customerId_idx" ON "CustomerStats"("shop", "netSpentCents", "customerId") WHERE "scoreMilli" > 0;

DROP INDEX "CustomerStats_shop_lastOrderAt_customerId_idx";
CREATE INDEX "CustomerStats_shop_lastOrderAt_customerId_idx" ON "CustomerStats"("shop", "lastOrderAt", "customerId") WHERE "scoreMilli" > 0;

-- From 20261204002227_compliance
-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "codesAtUninstall" TEXT,
ADD COLUMN     "scopesUpdatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AmbassadorProgram" ADD COLUMN     "codesPausedAt" TIMESTAMP(3),
ADD COLUMN     "pauseReason" TEXT,
ADD COLUMN     "pausedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "requestId" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "ordersRequested" TEXT NOT NULL DEFAULT '',
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "downloadedAt" TIMESTAMP(3),

    CONSTRAINT "CustomerDataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shop_receivedAt_idx" ON "CustomerDataRequest"("shop", "receivedAt");


-- From 20261204010000_one_running_history_sync
-- At most one unfinished history sync per shop, enforced by the database: two requests
-- claiming a sync at the same moment (two app instances, or PostgreSQL's concurrent
-- transactions) cannot both insert one. Hand-written: Prisma cannot declare a partial index.
-- Unfinished duplicates from before are closed first, the newest of each shop kept.
UPDATE "HistorySync"
SET "finishedAt" = (now() AT TIME ZONE 'UTC'), "status" = 'failed', "error" = 'Superseded by a newer sync.'
WHERE "finishedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "HistorySync" AS "newer"
  WHERE "newer"."shop" = "HistorySync"."shop" AND "newer"."finishedAt" IS NULL
    AND ("newer"."startedAt", "newer"."id") > ("HistorySync"."startedAt", "HistorySync"."id")
);

CREATE UNIQUE INDEX "HistorySync_shop_unfinished_key" ON "HistorySync"("shop") WHERE "finishedAt" IS NULL;

-- From 20261204080003_attributed_order_buyer_index
-- CreateIndex
CREATE INDEX "AttributedOrder_shop_buyerCustomerId_idx" ON "AttributedOrder"("shop", "buyerCustomerId");


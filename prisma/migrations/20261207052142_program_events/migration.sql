-- CreateTable
CREATE TABLE "ProgramEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "ambassadorId" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "flowDeliveredAt" TIMESTAMP(3),
    "flowError" TEXT,
    "klaviyoDeliveredAt" TIMESTAMP(3),
    "klaviyoError" TEXT,

    CONSTRAINT "ProgramEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KlaviyoConnection" (
    "shop" TEXT NOT NULL,
    "encryptedKey" TEXT NOT NULL,
    "keyHint" TEXT NOT NULL,
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "retryAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KlaviyoConnection_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "ProgramEvent_shop_flowDeliveredAt_idx" ON "ProgramEvent"("shop", "flowDeliveredAt");

-- CreateIndex
CREATE INDEX "ProgramEvent_shop_klaviyoDeliveredAt_idx" ON "ProgramEvent"("shop", "klaviyoDeliveredAt");

-- CreateIndex
CREATE INDEX "ProgramEvent_shop_occurredAt_idx" ON "ProgramEvent"("shop", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProgramEvent_shop_key_key" ON "ProgramEvent"("shop", "key");


-- CreateTable
CREATE TABLE "OrderFactStaging" (
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


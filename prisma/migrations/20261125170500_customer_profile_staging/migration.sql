-- CreateTable
CREATE TABLE "CustomerProfileStaging" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "displayName" TEXT,
    "email" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "profileUpdatedAt" DATETIME,

    PRIMARY KEY ("shop", "customerId")
);


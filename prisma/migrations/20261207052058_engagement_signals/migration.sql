-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "emailWeight" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "mentionWeight" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "reviewWeight" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "smsWeight" INTEGER NOT NULL DEFAULT 5;

-- AlterTable
ALTER TABLE "CustomerProfileStaging" ADD COLUMN     "emailSubscribed" BOOLEAN,
ADD COLUMN     "smsSubscribed" BOOLEAN;

-- AlterTable
ALTER TABLE "CustomerStats" ADD COLUMN     "emailSubscribed" BOOLEAN,
ADD COLUMN     "fiveStarReviewCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "mentionCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "positiveReviewCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reviewCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "smsSubscribed" BOOLEAN;

-- CreateTable
CREATE TABLE "CustomerReview" (
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reviewKey" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "customerId" TEXT,
    "rating" INTEGER NOT NULL,
    "reviewedAt" TIMESTAMP(3) NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerReview_pkey" PRIMARY KEY ("shop","source","reviewKey")
);

-- CreateTable
CREATE TABLE "SocialMention" (
    "shop" TEXT NOT NULL,
    "mentionKey" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "email" TEXT,
    "customerId" TEXT,
    "mentions" INTEGER NOT NULL,
    "mentionedAt" TIMESTAMP(3) NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SocialMention_pkey" PRIMARY KEY ("shop","mentionKey")
);

-- CreateIndex
CREATE INDEX "CustomerReview_shop_customerId_idx" ON "CustomerReview"("shop", "customerId");

-- CreateIndex
CREATE INDEX "CustomerReview_shop_email_idx" ON "CustomerReview"("shop", "email");

-- CreateIndex
CREATE INDEX "SocialMention_shop_customerId_idx" ON "SocialMention"("shop", "customerId");

-- CreateIndex
CREATE INDEX "SocialMention_shop_handle_idx" ON "SocialMention"("shop", "handle");


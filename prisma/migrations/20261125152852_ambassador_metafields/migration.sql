-- AlterTable
ALTER TABLE "Ambassador" ADD COLUMN "metafieldsCode" TEXT;


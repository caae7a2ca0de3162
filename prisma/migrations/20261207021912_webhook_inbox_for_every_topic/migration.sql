-- AlterTable
ALTER TABLE "WebhookInbox" ADD COLUMN     "triggeredAt" TIMESTAMP(3);

-- DropTable
DROP TABLE "WebhookDelivery";


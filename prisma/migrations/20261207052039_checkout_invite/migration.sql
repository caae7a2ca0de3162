-- AlterTable
ALTER TABLE "AmbassadorProgram" ADD COLUMN     "checkoutInvite" TEXT NOT NULL DEFAULT 'repeat_buyers';


-- The history ingest appends to its staging tables with COPY, which an index would slow
-- and a primary key would refuse (a crashed run and the resumed run may stage one order
-- twice). Prisma declares the keys (it wants one per model), the database has none.
-- Hand-written.
ALTER TABLE "OrderFactStaging" DROP CONSTRAINT "OrderFactStaging_pkey";
ALTER TABLE "CustomerProfileStaging" DROP CONSTRAINT "CustomerProfileStaging_pkey";

-- Rows staged before this migration are merged by the first pass (line 0).
ALTER TABLE "OrderFactStaging" ADD COLUMN "line" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "OrderFactStaging" ALTER COLUMN "line" DROP DEFAULT;
ALTER TABLE "CustomerProfileStaging" ADD COLUMN "line" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "CustomerProfileStaging" ALTER COLUMN "line" DROP DEFAULT;

-- The sort indexes of the Candidates page hold candidates only. The page always filters
-- on "scoreMilli" > 0 (non-candidates score 0), so these partial indexes serve it as
-- the full ones did, while a full recompute of a large shop no longer inserts an entry
-- per customer into each of them at a random place (about 1.3 s per 400,000 customers).
-- Prisma cannot declare a partial index: schema.prisma keeps the plain @@index lines.
DROP INDEX "CustomerStats_shop_orderCount_customerId_idx";
CREATE INDEX "CustomerStats_shop_orderCount_customerId_idx" ON "CustomerStats"("shop", "orderCount", "customerId") WHERE "scoreMilli" > 0;

DROP INDEX "CustomerStats_shop_netSpentCents_customerId_idx";
CREATE INDEX "CustomerStats_shop_netSpentCents_customerId_idx" ON "CustomerStats"("shop", "netSpentCents", "customerId") WHERE "scoreMilli" > 0;

DROP INDEX "CustomerStats_shop_lastOrderAt_customerId_idx";
CREATE INDEX "CustomerStats_shop_lastOrderAt_customerId_idx" ON "CustomerStats"("shop", "lastOrderAt", "customerId") WHERE "scoreMilli" > 0;

-- Hand-written: the score index holds the candidates only, like the other sort indexes of
-- CustomerStats (the Candidates page always asks for "scoreMilli" > 0). A history sync
-- then writes its non-candidates (most customers, scored 0) without indexing their score.
DROP INDEX "CustomerStats_shop_scoreMilli_customerId_idx";
CREATE INDEX "CustomerStats_shop_scoreMilli_customerId_idx" ON "CustomerStats"("shop", "scoreMilli", "customerId") WHERE "scoreMilli" > 0;

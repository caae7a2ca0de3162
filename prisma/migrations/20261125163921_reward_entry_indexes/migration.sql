-- CreateIndex
CREATE INDEX "RewardEntry_shop_orderId_idx" ON "RewardEntry"("shop", "orderId");

-- CreateIndex
CREATE INDEX "RewardEntry_shop_kind_createdAt_idx" ON "RewardEntry"("shop", "kind", "createdAt");


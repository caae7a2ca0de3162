-- CreateIndex
CREATE INDEX "AttributedOrder_shop_buyerCustomerId_idx" ON "AttributedOrder"("shop", "buyerCustomerId");


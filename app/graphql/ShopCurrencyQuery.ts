export const ShopCurrencyQuery = `#graphql
  query ShopCurrency {
    shop {
      currencyCode
    }
  }
`;

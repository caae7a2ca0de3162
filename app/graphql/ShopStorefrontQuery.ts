export const ShopStorefrontQuery = `#graphql
  query ShopStorefront {
    shop {
      currencyCode
      primaryDomain {
        url
      }
    }
  }
`;

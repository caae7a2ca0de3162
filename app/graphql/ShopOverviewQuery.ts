export const ShopOverviewQuery = `#graphql
  query ShopOverview {
    shop {
      name
      myshopifyDomain
      currencyCode
    }
    customersCount {
      count
      precision
    }
    ordersCount(limit: null) {
      count
      precision
    }
  }
`;

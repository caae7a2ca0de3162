export const ShopTimezoneQuery = `#graphql
  query ShopTimezone {
    shop {
      ianaTimezone
    }
  }
`;

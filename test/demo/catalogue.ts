/**
 * The storefront preview's catalogue: what its pages show and sell, and what the demo
 * shop's seeded program orders contain. Prices are cents of the shop currency (USD).
 */
export interface CatalogueProduct {
  handle: string;
  /** As the product page and the order's line item name it. */
  title: string;
  /** As product cards name it. */
  cardTitle: string;
  priceCents: number;
  image: string;
}

export const CATALOGUE: CatalogueProduct[] = [
  "Linen tote", "Ceramic mug", "Wool beanie", "Beeswax candle", "Oak serving board", "Cotton apron",
  "Leather wallet", "Glass carafe", "Knit scarf", "Clay planter", "Enamel pin", "Canvas notebook",
].map((cardTitle, index) => ({
  // The first product's page is the theme's sample product page, "Demo product".
  handle: index === 0 ? "demo-product" : cardTitle.toLowerCase().replace(/\W+/g, "-"),
  title: index === 0 ? "Demo product" : cardTitle,
  cardTitle,
  priceCents: index === 0 ? 2_500 : (18 + ((index * 7) % 40)) * 100,
  image: `/theme-assets/product-${index}.svg`,
}));

export function productByHandle(handle: string): CatalogueProduct | undefined {
  return CATALOGUE.find((product) => product.handle === handle);
}

/** "$25.00" (USD, the demo shop's currency). */
export function usd(cents: number): string {
  const sign = cents < 0 ? "−" : "";
  return `${sign}$${(Math.abs(cents) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

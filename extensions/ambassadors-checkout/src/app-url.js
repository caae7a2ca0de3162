// The app's URL: shopify.app.toml's application_url (test/extensions/config.test.ts keeps
// them equal). Extensions run in Shopify's sandbox and call the app by its full URL.
export const APP_URL = "https://example.com";

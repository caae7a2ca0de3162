import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import adminStyles from "../styles/admin.css?url";
import { authenticate } from "../shopify.server";
import { shopTimezone } from "../models/Shop/ShopTimezone.server";
import { ShopDatesProvider } from "../components/ShopDates";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: adminStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", timeZone: await shopTimezone(admin.graphql, session.shop) };
};

export default function App() {
  const { apiKey, timeZone } = useLoaderData<typeof loader>();

  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/dashboard">Dashboard</Link>
        <Link to="/app/candidates">Candidates</Link>
        <Link to="/app/applications">Applications</Link>
        <Link to="/app/ambassadors">Ambassadors</Link>
        <Link to="/app/rewards">Rewards</Link>
        <Link to="/app/gifts">Gifts</Link>
        <Link to="/app/community">Community</Link>
        {/* Offer and codes, Order check and Data requests are linked from Settings. */}
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      {/* The page's one main landmark (Polaris' Page renders none outside a Frame). */}
      <main>
        <ShopDatesProvider timeZone={timeZone}>
          <Outlet />
        </ShopDatesProvider>
      </main>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => {
  return boundary.headers(headersArgs);
};

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { appProxyRequest } from "#/utils/test-shop";
import { loader } from "../apps.ambassadors.status";

async function call(request: Request): Promise<Response> {
  try {
    return await loader({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("app proxy: /apps/ambassadors/status", () => {
  beforeAll(async () => {
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await prisma.session.create({
      data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", isOnline: false, accessToken: "t", scope: "" },
    });
  });
  afterAll(() => prisma.session.deleteMany({ where: { shop: TEST_SHOP } }));

  it("tells a logged-in shopper that the program is open", async () => {
    const response = await call(
      await appProxyRequest("/apps/ambassadors/status?logged_in_customer_id=1001&path_prefix=%2Fapps%2Fambassadors"),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ open: true, loggedIn: true });
  });

  it("tells an anonymous shopper to log in", async () => {
    const response = await call(
      await appProxyRequest("/apps/ambassadors/status?logged_in_customer_id=&path_prefix=%2Fapps%2Fambassadors"),
    );
    expect(await response.json()).toMatchObject({ open: true, loggedIn: false });
  });

  it("refuses a request whose signature does not match", async () => {
    const signed = await appProxyRequest("/apps/ambassadors/status?logged_in_customer_id=1001");
    const url = new URL(signed.url);
    url.searchParams.set("logged_in_customer_id", "1002");
    const response = await call(new Request(url));
    expect(response.status).toBe(401);
  });

  it("refuses an unsigned request", async () => {
    const response = await call(new Request(`http://localhost/apps/ambassadors/status?shop=${TEST_SHOP}`));
    expect(response.status).toBe(401);
  });
});

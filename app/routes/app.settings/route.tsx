import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  DEFAULT_PROGRAM_SETTINGS,
  getProgramSettings,
  programSettingsInput,
  saveProgramSettings,
  SETTINGS_LIMITS,
  type ProgramSettingsField,
} from "../../models/ProgramSettings/ProgramSettings.server";
import { listCandidates } from "../../models/Candidate/Candidate.server";
import { shopCurrency } from "../../models/ProgramSettings/ShopCurrency.server";
import { majorUnitsInput, parseMajorUnits } from "../../models/ProgramSettings/shop-money";
import {
  SettingsForm,
  type SettingsFieldErrors,
  type SettingsFormValues,
} from "./components/SettingsForm";
import { SettingsPages } from "./components/SettingsPages";
import { SaveResultBanner, type SaveResult } from "./components/SaveResultBanner";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Program settings");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const currencyCode = await shopCurrency(admin.graphql, session.shop);
  const settings = await getProgramSettings(session.shop);
  const values: SettingsFormValues = {
    minOrders: String(settings.minOrders),
    minSpent: majorUnitsInput(settings.minSpentCents, currencyCode),
    recencyDays: String(settings.recencyDays),
    reviewWeight: String(settings.reviewWeight),
    mentionWeight: String(settings.mentionWeight),
    emailWeight: String(settings.emailWeight),
    smsWeight: String(settings.smsWeight),
  };
  return {
    values,
    currencyCode,
    defaults: {
      minOrders: DEFAULT_PROGRAM_SETTINGS.minOrders,
      recencyDays: DEFAULT_PROGRAM_SETTINGS.recencyDays,
    },
    limits: {
      minOrders: SETTINGS_LIMITS.minOrders,
      recencyDays: SETTINGS_LIMITS.recencyDays,
      weight: SETTINGS_LIMITS.weight,
    },
  };
};

/** The form's field for each model field. */
const FORM_FIELD: Record<ProgramSettingsField, keyof SettingsFormValues> = {
  minOrders: "minOrders",
  minSpentCents: "minSpent",
  recencyDays: "recencyDays",
  reviewWeight: "reviewWeight",
  mentionWeight: "mentionWeight",
  emailWeight: "emailWeight",
  smsWeight: "smsWeight",
};

function firstErrors(
  fieldErrors: Partial<Record<ProgramSettingsField, string[]>>
): SettingsFieldErrors {
  const errors: SettingsFieldErrors = {};
  for (const [field, messages] of Object.entries(fieldErrors) as [
    ProgramSettingsField,
    string[]
  ][]) {
    if (messages?.[0]) errors[FORM_FIELD[field]] = messages[0];
  }
  return errors;
}

/**
 * Saves the program settings. Minimum spend is typed in the shop currency's major units
 * (blank = any) and stored in minor units. Any invalid field saves nothing; the model
 * re-ranks every candidate in the same transaction as the save.
 */
export const action = async ({ request }: ActionFunctionArgs): Promise<SaveResult> => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const values: SettingsFormValues = {
    minOrders: text("minOrders"),
    minSpent: text("minSpent"),
    recencyDays: text("recencyDays"),
    reviewWeight: text("reviewWeight"),
    mentionWeight: text("mentionWeight"),
    emailWeight: text("emailWeight"),
    smsWeight: text("smsWeight"),
  };
  // Blank number fields are "required", not "not a number".
  const orUndefined = (value: string) => (value === "" ? undefined : value);
  // A weight the form did not send keeps its stored value; a blank one is an error.
  const weight = (name: keyof SettingsFormValues) => (form.has(name) ? values[name] : undefined);
  const weights = {
    reviewWeight: weight("reviewWeight"),
    mentionWeight: weight("mentionWeight"),
    emailWeight: weight("emailWeight"),
    smsWeight: weight("smsWeight"),
  };

  const currencyCode = await shopCurrency(admin.graphql, shop);
  let minSpentCents = 0;
  if (values.minSpent !== "") {
    const spend = parseMajorUnits(values.minSpent, currencyCode, {
      label: "Minimum spend",
      maxMinorUnits: SETTINGS_LIMITS.minSpentCents.max,
    });
    if (!spend.ok) {
      // Report the other fields' problems too, and save nothing.
      const others = programSettingsInput.safeParse({
        minOrders: orUndefined(values.minOrders),
        minSpentCents: 0,
        recencyDays: orUndefined(values.recencyDays),
        ...weights,
      });
      const errors = others.success ? {} : firstErrors(others.error.flatten().fieldErrors);
      return { ok: false, errors: { ...errors, minSpent: spend.error }, values };
    }
    minSpentCents = spend.minorUnits;
  }

  const saved = await saveProgramSettings(shop, {
    minOrders: orUndefined(values.minOrders),
    minSpentCents,
    recencyDays: orUndefined(values.recencyDays),
    ...weights,
  });
  if (!saved.ok) return { ok: false, errors: firstErrors(saved.fieldErrors), values };

  const { totalCount } = await listCandidates(shop, { pageSize: 1 });
  return { ok: true, candidateCount: totalCount ?? 0, savedAt: new Date().toISOString() };
};

export default function Settings() {
  const { values, currencyCode, defaults, limits } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();

  return (
    <Page title="Program settings" subtitle="What makes a customer a repeat buyer in your store">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <SaveResultBanner result={result} /> : null}
            <SettingsForm
              // After a save the form starts again from what was stored.
              key={result?.ok ? result.savedAt : "form"}
              initialValues={result && !result.ok ? result.values : values}
              errors={result && !result.ok ? result.errors : {}}
              currencyCode={currencyCode}
              defaults={defaults}
              limits={limits}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <SettingsPages />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

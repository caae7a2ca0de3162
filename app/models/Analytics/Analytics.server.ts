/**
 * The measurement dashboard's data: live period figures (indexed range queries), the
 * cached retention figures, and the fraud flags still open.
 */
import prisma from "../../db.server";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import type { AmbassadorFigures, Figures, Period, SeriesPoint } from "./definitions";
import { readRetentionCache, type CachedRetention } from "./MetricsCache.server";
import { revenueSeries, shopFigures, topAmbassadors } from "./period.server";

export { markMetricsStale } from "./MetricsCache.server";
export { ambassadorFigures, parsePeriod, presetPeriod, shopFigures, topAmbassadors } from "./period.server";
export { computeRetention } from "./retention.server";

export interface OpenFraudFlag {
  id: string;
  kind: string;
  detail: string;
  createdAt: Date;
  ambassadorId: string;
  ambassadorName: string;
  code: string | null;
}

/** Unresolved fraud flags, newest first. */
export async function openFraudFlags(shop: string, limit = 20): Promise<OpenFraudFlag[]> {
  const flags = await prisma.fraudFlag.findMany({
    where: { shop, resolvedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, id: { in: [...new Set(flags.map((f) => f.ambassadorId))] } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  const byId = new Map(ambassadors.map((a) => [a.id, a]));
  return flags.map((flag) => {
    const a = byId.get(flag.ambassadorId);
    return {
      id: flag.id,
      kind: flag.kind,
      detail: flag.detail,
      createdAt: flag.createdAt,
      ambassadorId: flag.ambassadorId,
      ambassadorName: (a && ([a.firstName, a.lastName].filter(Boolean).join(" ") || a.email)) || "Ambassador",
      code: a?.code ?? null,
    };
  });
}

export interface Dashboard {
  period: Period;
  currencyCode: string | null;
  figures: Figures;
  top: AmbassadorFigures[];
  series: SeriesPoint[];
  fraudFlags: OpenFraudFlag[];
  retention: CachedRetention;
}

export type PeriodFigures = Pick<Dashboard, "figures" | "top" | "series" | "fraudFlags">;

/** The figures computed live for the period (indexed ranges): what the page streams. */
export async function getPeriodFigures(shop: string, period: Period): Promise<PeriodFigures> {
  const [figures, top, series, fraudFlags] = await Promise.all([
    shopFigures(shop, period),
    topAmbassadors(shop, period),
    revenueSeries(shop, period),
    openFraudFlags(shop),
  ]);
  return { figures, top, series, fraudFlags };
}

export async function getDashboard(shop: string, period: Period): Promise<Dashboard> {
  const [settings, live, retention] = await Promise.all([
    getProgramSettings(shop),
    getPeriodFigures(shop, period),
    readRetentionCache(shop),
  ]);
  return { period, currencyCode: settings.currencyCode, ...live, retention };
}

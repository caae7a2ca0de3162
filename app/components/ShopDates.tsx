import { createContext, useContext, useMemo, type ReactNode } from "react";

export interface ShopDates {
  timeZone: string;
  /** "Dec 7, 2026" */
  date(value: string | Date): string;
  /** "Dec 7, 2026, 3:04 PM EST" */
  dateTime(value: string | Date): string;
  /** A day of the shop's calendar ("2026-12-07", as the Dashboard's periods): "Dec 7, 2026". */
  day(value: string): string;
}

/** Every admin page shows dates in the shop's time zone, in these two formats only. */
export function shopDates(timeZone: string): ShopDates {
  const date = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone });
  // A calendar day is no instant: written in the same format, whatever the zone.
  const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  });
  return {
    timeZone,
    date: (value) => date.format(new Date(value)),
    dateTime: (value) => dateTime.format(new Date(value)),
    day: (value) => day.format(new Date(`${value}T00:00:00.000Z`)),
  };
}

const ShopDatesContext = createContext<ShopDates>(shopDates("UTC"));

export function ShopDatesProvider({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  const value = useMemo(() => shopDates(timeZone), [timeZone]);
  return <ShopDatesContext.Provider value={value}>{children}</ShopDatesContext.Provider>;
}

/** The shop's date formats (app.tsx provides them from the shop's time zone). */
export function useShopDates(): ShopDates {
  return useContext(ShopDatesContext);
}

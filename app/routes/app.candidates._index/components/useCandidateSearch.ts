import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "@remix-run/react";
import {
  readTextFilters,
  TEXT_FILTERS,
  type TextFilter,
  type TextFilterValues,
} from "../search-params";
import { SEARCH_DEBOUNCE_MS } from "../../../hooks/useDebouncedSearch";

export interface CandidateSearchState {
  /** What the fields show (may be ahead of the URL while the merchant types). */
  text: TextFilterValues;
  /** A text filter changed: the URL follows after a pause (replacing the history entry). */
  setText(key: TextFilter, value: string): void;
  /** Empties text filters and reloads now. */
  clearText(keys: readonly TextFilter[]): void;
  /**
   * Navigates now: pending typing is included, the page cursor is dropped unless `change`
   * sets it again, and a new history entry is pushed.
   */
  update(change: (params: URLSearchParams) => void): void;
}

function setOrDelete(params: URLSearchParams, key: string, value: string) {
  const trimmed = value.trim();
  if (trimmed) params.set(key, trimmed);
  else params.delete(key);
}

/**
 * The Candidates search lives in the URL (reload and share keep it). Text fields keep
 * their own state so typing stays responsive; a field the URL changes behind their back
 * (back button, a link) follows the URL.
 */
export function useCandidateSearch(): CandidateSearchState {
  const [searchParams, setSearchParams] = useSearchParams();
  const urlText = useMemo(() => readTextFilters(searchParams), [searchParams]);
  const [text, setTextState] = useState(urlText);

  const latestText = useRef(text);
  const latestParams = useRef(searchParams);
  latestParams.current = searchParams;
  /** The text values of the last URL this hook asked for. */
  const committed = useRef(urlText);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const external = TEXT_FILTERS.filter((key) => urlText[key] !== committed.current[key]);
    committed.current = urlText;
    if (external.length === 0) return;
    const next = { ...latestText.current };
    for (const key of external) next[key] = urlText[key];
    latestText.current = next;
    setTextState(next);
  }, [urlText]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const navigate = useCallback(
    (change: ((params: URLSearchParams) => void) | null, replace: boolean) => {
      clearTimeout(timer.current);
      const current = latestParams.current;
      const next = new URLSearchParams(current);
      for (const key of TEXT_FILTERS) setOrDelete(next, key, latestText.current[key]);
      next.delete("cursor");
      next.delete("page");
      change?.(next);
      if (next.toString() === current.toString()) return;
      committed.current = readTextFilters(next);
      setSearchParams(next, { replace, preventScrollReset: true });
    },
    [setSearchParams]
  );

  const setText = useCallback(
    (key: TextFilter, value: string) => {
      latestText.current = { ...latestText.current, [key]: value };
      setTextState(latestText.current);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => navigate(null, true), SEARCH_DEBOUNCE_MS);
    },
    [navigate]
  );

  const clearText = useCallback(
    (keys: readonly TextFilter[]) => {
      const next = { ...latestText.current };
      for (const key of keys) next[key] = "";
      latestText.current = next;
      setTextState(next);
      navigate(null, false);
    },
    [navigate]
  );

  const update = useCallback(
    (change: (params: URLSearchParams) => void) => navigate(change, false),
    [navigate]
  );

  return { text, setText, clearText, update };
}

import { useCallback, useEffect, useRef, useState } from "react";

/** Typing pauses this long before a list's search reloads it (every list alike). */
export const SEARCH_DEBOUNCE_MS = 400;

/**
 * A search field that searches as the merchant types: `search` runs once typing pauses,
 * or at once on `searchNow` (Enter, the clear button). The field follows `urlValue` when
 * the URL changes behind it (back button, a link).
 */
export function useDebouncedSearch(urlValue: string, search: (value: string) => void) {
  const [value, setValue] = useState(urlValue);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestSearch = useRef(search);
  latestSearch.current = search;

  useEffect(() => {
    // Keep what is typed (a trailing space included) when the URL only caught up with it.
    setValue((typed) => (typed.trim() === urlValue ? typed : urlValue));
  }, [urlValue]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const change = useCallback((next: string) => {
    setValue(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latestSearch.current(next.trim()), SEARCH_DEBOUNCE_MS);
  }, []);

  const searchNow = useCallback((next: string) => {
    setValue(next);
    clearTimeout(timer.current);
    latestSearch.current(next.trim());
  }, []);

  return { value, change, searchNow };
}

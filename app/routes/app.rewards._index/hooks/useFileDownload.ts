import { useCallback, useState } from "react";

/** The file name a response offers in its Content-Disposition, else `fallback`. */
function offeredName(response: Response, fallback: string) {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "");
  return match?.[1] ?? fallback;
}

/**
 * Downloads a file route of the app as a file. Inside Shopify admin a link cannot do it: a
 * navigation carries no session token, while App Bridge adds one to `fetch`.
 */
export function useFileDownload() {
  const [downloading, setDownloading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = useCallback(async (url: string, fallbackName: string) => {
    setDownloading(url);
    setError(null);
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = offeredName(response, fallbackName);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (cause) {
      setError(`The ${fallbackName} download failed (${cause instanceof Error ? cause.message : String(cause)}). Try again.`);
    } finally {
      setDownloading(null);
    }
  }, []);

  return { download, downloading, error };
}

/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { useEffect, useState } from "preact/hooks";
import { APP_URL } from "./app-url.js";

const ENDPOINT = `${APP_URL}/api/checkout/ambassador`;

/**
 * Calls the app with the session token Shopify gives the extension; the app reads the
 * shop and the signed-in customer from it. Throws when the app cannot be reached.
 */
export async function callApp(method) {
  const token = await shopify.sessionToken.get();
  const response = await fetch(ENDPOINT, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(method === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    body: method === "POST" ? "{}" : undefined,
  });
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

const t = (key) => shopify.i18n.translate(key);

/**
 * The Thank you and Order status block: "Become an ambassador" for a buyer the program
 * invites, the state of their application, or an ambassador's code and share link.
 * It shows nothing to anyone else, nor when the app cannot be reached on load (the
 * buyer's page must not show a broken block).
 */
export function AmbassadorBlock() {
  const [offer, setOffer] = useState(null);
  const [applying, setApplying] = useState(false);
  const [notice, setNotice] = useState(null);

  async function load() {
    try {
      const { status, body } = await callApp("GET");
      setOffer(status === 200 && body ? body : null);
    } catch {
      setOffer(null);
    }
  }

  useEffect(() => {
    load();
  }, []);

  async function apply() {
    if (applying) return;
    setApplying(true);
    setNotice(null);
    try {
      const { status, body } = await callApp("POST");
      if (status === 200 && body?.ok) {
        setNotice({ tone: "success", text: t(body.status === "approved" ? "applied.approved" : "applied.pending") });
        await load();
      } else {
        setNotice({ tone: "critical", text: body?.message || t("error.generic") });
      }
    } catch {
      setNotice({ tone: "critical", text: t("error.unreachable") });
    } finally {
      setApplying(false);
    }
  }

  if (!offer) return null;
  const banner = notice ? <s-banner tone={notice.tone}>{notice.text}</s-banner> : null;

  if (offer.membership === "ambassador" && offer.ambassador) {
    return (
      <s-stack gap="base">
        {banner}
        <AmbassadorCode ambassador={offer.ambassador} />
      </s-stack>
    );
  }
  if (offer.membership === "applied" && offer.application) {
    return banner ?? <s-banner tone={offer.application.status === "rejected" ? "info" : "success"}>{t(`applied.${offer.application.status}`)}</s-banner>;
  }
  if (!offer.invite) return banner;
  return (
    <s-stack gap="base">
      <s-heading>{t("invite.heading")}</s-heading>
      <s-paragraph>{t("invite.body")}</s-paragraph>
      <s-paragraph>
        <s-text color="subdued">{t("invite.terms")}</s-text>
      </s-paragraph>
      {banner}
      <s-button variant="primary" loading={applying} disabled={applying} onClick={apply}>
        {t("invite.action")}
      </s-button>
    </s-stack>
  );
}

function AmbassadorCode({ ambassador }) {
  const [copied, setCopied] = useState(null);
  if (!ambassador.code) return <s-paragraph>{t("ambassador.codeComing")}</s-paragraph>;
  return (
    <s-stack gap="base">
      <s-heading>{t("ambassador.heading")}</s-heading>
      {ambassador.sharingPaused ? <s-banner tone="warning">{t("ambassador.paused")}</s-banner> : null}
      <CopyRow
        id="ambassador-code"
        label={t("ambassador.codeLabel")}
        value={ambassador.code}
        action={t("ambassador.copyCode")}
        copied={copied === "code"}
        onCopy={() => setCopied("code")}
      />
      {ambassador.shareUrl ? (
        <CopyRow
          id="ambassador-link"
          label={t("ambassador.linkLabel")}
          value={ambassador.shareUrl}
          action={t("ambassador.copyLink")}
          copied={copied === "link"}
          onCopy={() => setCopied("link")}
        />
      ) : null}
    </s-stack>
  );
}

function CopyRow({ id, label, value, action, copied, onCopy }) {
  return (
    <s-stack direction="inline" gap="base" alignItems="center">
      <s-text type="strong">{label}:</s-text>
      <s-text>{value}</s-text>
      <s-clipboard-item id={`${id}-clip`} text={value} onCopy={onCopy}></s-clipboard-item>
      <s-button variant="secondary" commandFor={`${id}-clip`} command="--copy" accessibilityLabel={`${action}: ${value}`}>
        {copied ? t("ambassador.copied") : action}
      </s-button>
    </s-stack>
  );
}

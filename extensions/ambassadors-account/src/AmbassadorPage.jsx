/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { useEffect, useState } from "preact/hooks";
import { APP_URL } from "./app-url.js";

const ENDPOINT = `${APP_URL}/api/customer-account/ambassador`;

/**
 * Calls the app with the extension's session token (the app reads the shop and the
 * signed-in customer from it). GET reads the portal; POST sends `fields` as JSON.
 * Throws when the app cannot be reached.
 */
export async function callApp(fields) {
  const token = await shopify.sessionToken.get();
  const response = await fetch(ENDPOINT, {
    method: fields ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, ...(fields ? { "Content-Type": "application/json" } : {}) },
    body: fields ? JSON.stringify(fields) : undefined,
  });
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

const t = (key) => shopify.i18n.translate(key);

/**
 * The ambassador's page in their customer account: what the theme's portal block shows
 * (code, link, clicks, orders, sales, rewards, news, content and feedback forms), read
 * from the same model; the signup for a customer who is not an ambassador.
 */
export function AmbassadorPage() {
  // undefined while loading, null when the app could not be reached.
  const [portal, setPortal] = useState(undefined);

  async function load() {
    try {
      const { status, body } = await callApp();
      setPortal(status === 200 && body ? body : null);
    } catch {
      setPortal(null);
    }
  }

  useEffect(() => {
    load();
  }, []);

  return <s-page heading={t("page.heading")}>{pageContent(portal, load)}</s-page>;
}

function pageContent(portal, reload) {
  if (portal === undefined) return <s-spinner accessibilityLabel={t("page.loading")}></s-spinner>;
  if (portal === null) {
    return (
      <s-stack gap="base">
        <s-banner tone="critical">{t("error.unreachable")}</s-banner>
        <s-button onClick={() => reload()}>{t("error.retry")}</s-button>
      </s-stack>
    );
  }
  if (portal.membership === "ambassador" && portal.ambassador) {
    return <Dashboard ambassador={portal.ambassador} news={portal.news ?? []} />;
  }
  if (portal.membership === "applied" && portal.application) {
    const status = portal.application.status;
    return <s-banner tone={status === "rejected" ? "info" : "success"}>{t(`applied.${status}`)}</s-banner>;
  }
  if (!portal.open) return <s-banner tone="info">{t("signup.closed")}</s-banner>;
  return <Signup onApplied={reload} />;
}

function Signup({ onApplied }) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState(null);

  async function apply() {
    if (sending) return;
    setSending(true);
    setError(null);
    try {
      const { status, body } = await callApp({ intent: "apply" });
      if (status === 200 && body?.ok) await onApplied();
      else setError(body?.message || t("error.generic"));
    } catch {
      setError(t("error.unreachable"));
    } finally {
      setSending(false);
    }
  }

  return (
    <s-section heading={t("signup.heading")}>
      <s-stack gap="base">
        <s-paragraph>{t("signup.body")}</s-paragraph>
        <s-paragraph>
          <s-text color="subdued">{t("signup.terms")}</s-text>
        </s-paragraph>
        {error ? <s-banner tone="critical">{error}</s-banner> : null}
        <s-button variant="primary" loading={sending} disabled={sending} onClick={apply}>
          {t("signup.action")}
        </s-button>
      </s-stack>
    </s-section>
  );
}

function Dashboard({ ambassador, news }) {
  return (
    <s-stack gap="large">
      <ShareSection ambassador={ambassador} />
      <s-section heading={t("results.heading")}>
        <s-grid gridTemplateColumns="1fr 1fr 1fr" gap="base">
          <Figure label={t("results.clicks")} value={String(ambassador.clicks)} />
          <Figure label={t("results.orders")} value={String(ambassador.orders)} />
          <Figure label={t("results.sales")} value={ambassador.revenue} />
        </s-grid>
      </s-section>
      <s-section heading={t("rewards.heading")}>
        <s-grid gridTemplateColumns="1fr 1fr 1fr" gap="base">
          <Figure label={t("rewards.pending")} value={ambassador.rewards.pending} />
          <Figure label={t("rewards.approved")} value={ambassador.rewards.ready} />
          <Figure label={t("rewards.paid")} value={ambassador.rewards.paid} />
        </s-grid>
      </s-section>
      <s-section heading={t("news.heading")}>
        {news.length === 0 ? (
          <s-paragraph>{t("news.empty")}</s-paragraph>
        ) : (
          <s-stack gap="base">
            {news.map((item) => (
              <s-stack key={item.id} gap="small-200">
                <s-heading>{item.title}</s-heading>
                <s-paragraph>{item.body}</s-paragraph>
              </s-stack>
            ))}
          </s-stack>
        )}
      </s-section>
      <SubmissionForm
        intent="content"
        heading={t("content.heading")}
        action={t("content.action")}
        fields={[
          { name: "url", label: t("content.url"), kind: "url" },
          { name: "note", label: t("content.note"), kind: "text" },
        ]}
      />
      <SubmissionForm
        intent="feedback"
        heading={t("feedback.heading")}
        action={t("feedback.action")}
        fields={[
          { name: "rating", label: t("feedback.rating"), kind: "rating" },
          { name: "message", label: t("feedback.message"), kind: "textarea" },
        ]}
      />
    </s-stack>
  );
}

function Figure({ label, value }) {
  return (
    <s-stack gap="small-200">
      <s-text color="subdued">{label}</s-text>
      <s-text type="strong">{value}</s-text>
    </s-stack>
  );
}

function ShareSection({ ambassador }) {
  const [copied, setCopied] = useState(null);
  const paused = ambassador.sharingPaused === "ambassador" ? "share.pausedAmbassador" : ambassador.sharingPaused === "program" ? "share.pausedProgram" : null;
  return (
    <s-section heading={t("share.heading")}>
      <s-stack gap="base">
        {paused ? <s-banner tone="warning">{t(paused)}</s-banner> : null}
        {ambassador.programPaused ? <s-banner tone="info">{t("share.programPaused")}</s-banner> : null}
        {ambassador.code ? (
          <CopyRow id="code" label={t("share.codeLabel")} value={ambassador.code} action={t("share.copyCode")} copied={copied === "code"} onCopy={() => setCopied("code")} />
        ) : (
          <s-paragraph>{t("share.codeComing")}</s-paragraph>
        )}
        {ambassador.shareUrl ? (
          <CopyRow id="link" label={t("share.linkLabel")} value={ambassador.shareUrl} action={t("share.copyLink")} copied={copied === "link"} onCopy={() => setCopied("link")} />
        ) : null}
      </s-stack>
    </s-section>
  );
}

function CopyRow({ id, label, value, action, copied, onCopy }) {
  return (
    <s-stack direction="inline" gap="base" alignItems="center">
      <s-text type="strong">{label}:</s-text>
      <s-text>{value}</s-text>
      <s-clipboard-item id={`ambassador-${id}-clip`} text={value} onCopy={onCopy}></s-clipboard-item>
      <s-button variant="secondary" commandFor={`ambassador-${id}-clip`} command="--copy" accessibilityLabel={`${action}: ${value}`}>
        {copied ? t("share.copied") : action}
      </s-button>
    </s-stack>
  );
}

/** The portal's content and feedback forms: sent as JSON, the app's field errors shown per field. */
function SubmissionForm({ intent, heading, action, fields }) {
  const empty = Object.fromEntries(fields.map((field) => [field.name, ""]));
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [notice, setNotice] = useState(null);
  const [sending, setSending] = useState(false);
  const set = (name) => (event) => {
    // Read now: the event's currentTarget is gone by the time the state updater runs.
    const value = event.currentTarget.value ?? "";
    setValues((current) => ({ ...current, [name]: value }));
  };

  async function send() {
    if (sending) return;
    setSending(true);
    setNotice(null);
    try {
      const { status, body } = await callApp({ intent, ...values });
      if (status === 200 && body?.ok) {
        setValues(empty);
        setErrors({});
        setNotice({ tone: "success", text: body.message });
      } else {
        setErrors(Object.fromEntries(Object.entries(body?.fieldErrors ?? {}).map(([name, error]) => [name, error.message])));
        setNotice({ tone: "critical", text: body?.message || t("error.generic") });
      }
    } catch {
      setNotice({ tone: "critical", text: t("error.unreachable") });
    } finally {
      setSending(false);
    }
  }

  return (
    <s-section heading={heading}>
      <s-stack gap="base">
        {notice ? <s-banner tone={notice.tone}>{notice.text}</s-banner> : null}
        {fields.map((field) => {
          const common = { label: field.label, name: field.name, value: values[field.name], error: errors[field.name], onInput: set(field.name), onChange: set(field.name) };
          if (field.kind === "url") return <s-url-field key={field.name} {...common}></s-url-field>;
          if (field.kind === "textarea") return <s-text-area key={field.name} {...common}></s-text-area>;
          if (field.kind === "rating") {
            return (
              <s-select key={field.name} {...common}>
                <s-option value="">{t("feedback.noRating")}</s-option>
                {["5", "4", "3", "2", "1"].map((rating) => (
                  <s-option key={rating} value={rating}>
                    {rating}
                  </s-option>
                ))}
              </s-select>
            );
          }
          return <s-text-field key={field.name} {...common}></s-text-field>;
        })}
        <s-button loading={sending} disabled={sending} onClick={send}>
          {action}
        </s-button>
      </s-stack>
    </s-section>
  );
}

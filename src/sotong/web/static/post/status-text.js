// The status line of an upload: a headline and, when useful, a plain detail.

const ACTIVE = new Set(["received", "pending", "approved"]);

export function isActive(status) {
  return ACTIVE.has(status?.status);
}

export function shownTime(iso, locale, now = new Date()) {
  const when = iso ? new Date(iso) : null;
  if (!when || Number.isNaN(when.getTime())) return null;
  const sameDay = when.toDateString() === now.toDateString();
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (!sameDay) Object.assign(options, { month: "long", day: "numeric" });
  return new Intl.DateTimeFormat(locale, options).format(when);
}

export function describeStatus(status, t) {
  switch (status?.status) {
    case "received":
      return { headline: t("status_received"), detail: "" };
    case "pending":
      return { headline: t("status_pending"), detail: t("status_pending_hint") };
    case "approved": {
      const time = shownTime(status.shown_at, t.locale);
      const headline = time ? t("status_on_screen_since", { time }) : t("status_approved_soon");
      return { headline, detail: "" };
    }
    case "rejected":
      return { headline: t("status_not_shown"), detail: t("status_reason_declined") };
    case "removed":
      if (status.reason === "withdrawn") {
        return { headline: t("status_deleted"), detail: t("status_reason_withdrawn") };
      }
      if (status.reason === "taken_down") {
        return { headline: t("status_taken_down"), detail: t("status_reason_taken_down") };
      }
      if (status.reason === "declined") {
        return { headline: t("status_not_shown"), detail: t("status_reason_declined") };
      }
      return { headline: t("status_not_shown"), detail: "" };
    default:
      return { headline: t("status_not_found"), detail: "" };
  }
}

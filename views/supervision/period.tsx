// The period picker of the supervision board and the high-risk lists: the same periods as
// the year-on-year screen (month, quarter, year to date, custom), sent as a GET form.
import type { Child } from "hono/jsx";
import { previousPeriod } from "../../src/domain/yoy";
import type { Issue } from "../../src/http/errors";
import type { ResolvedPeriod } from "../../src/stats/schemas";
import { Errors, Field } from "../components";
import type { T } from "../i18n";

export function PeriodPicker(props: {
  t: T;
  action: string;
  resolved: ResolvedPeriod;
  from?: string;
  to?: string;
  issues?: Issue[];
  children?: Child;
}) {
  const { t, resolved } = props;
  const p = resolved.period;
  const prev = p ? previousPeriod(p) : null;
  return (
    <form
      method="get"
      action={props.action}
      class="card no-print"
      hx-get={props.action}
      hx-target="#main"
      hx-push-url="true"
      data-testid="period-picker"
    >
      <Errors issues={props.issues} message={props.issues?.length ? t("stats.invalid") : undefined} />
      <div class="row">
        <Field label={t("stats.kind")} name="kind" issues={props.issues}>
          <select name="kind">
            {(["month", "quarter", "ytd", "custom"] as const).map((k) => (
              <option value={k} selected={resolved.kind === k}>
                {t(`stats.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("field.month")} name="month" issues={props.issues}>
          <input type="month" name="month" value={resolved.month} />
        </Field>
        <Field label={t("field.quarter")} name="quarter" issues={props.issues}>
          <input type="text" name="quarter" value={resolved.quarter} pattern="\d{4}-Q[1-4]" size={8} />
        </Field>
        <Field label={t("field.from")} name="from" issues={props.issues}>
          <input type="date" name="from" value={props.from ?? (resolved.kind === "custom" ? p?.from : "")} />
        </Field>
        <Field label={t("field.to")} name="to" issues={props.issues}>
          <input type="date" name="to" value={props.to ?? (resolved.kind === "custom" ? p?.to : "")} />
        </Field>
        {props.children}
        <button type="submit" class="primary">
          {t("stats.show")}
        </button>
      </div>
      {p && prev && (
        <p class="muted" data-testid="period-line">
          {t("stats.periodLine", { from: p.from, to: p.to, pfrom: prev.from, pto: prev.to })}
        </p>
      )}
    </form>
  );
}

/** The query string that keeps the chosen period on export links and fragments. */
export function periodQuery(resolved: ResolvedPeriod, extra: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams({ kind: resolved.kind });
  if (resolved.kind === "month") q.set("month", resolved.month);
  if (resolved.kind === "quarter") q.set("quarter", resolved.quarter);
  if (resolved.kind === "custom" && resolved.period) {
    q.set("from", resolved.period.from);
    q.set("to", resolved.period.to);
  }
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return q.toString();
}

/** CSV and XLSX links for one table. */
function ExportLinks(props: { href: string; table: string; query: string; testid?: string }) {
  const href = (format: string) =>
    `${props.href}/${props.table}?${props.query ? `${props.query}&` : ""}format=${format}`;
  return (
    <span class="no-print exports" data-testid={props.testid ?? `export-${props.table}`}>
      <a href={href("csv")} download>
        CSV
      </a>{" "}
      ·{" "}
      <a href={href("xlsx")} download>
        XLSX
      </a>
    </span>
  );
}

export type SectionProps = { title: string; table: string; query: string; note?: string; children: Child };

/** A card with one table and its export links under the table's name. */
export function ExportSection(props: SectionProps & { href: string }) {
  return (
    <section class="card" data-testid={`section-${props.table}`}>
      <h2>
        {props.title} <ExportLinks href={props.href} table={props.table} query={props.query} />
      </h2>
      {props.note && <p class="muted">{props.note}</p>}
      {props.children}
    </section>
  );
}

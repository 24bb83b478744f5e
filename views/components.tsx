// Shared pieces of every screen.
import type { Child } from "hono/jsx";
import type { Issue } from "../src/http/errors";
import { formatInstant } from "../src/domain/time";

/** Form errors: a summary plus a per-field lookup. */
export function fieldError(issues: Issue[] | undefined, path: string): string | undefined {
  return issues?.find((i) => i.path === path)?.message;
}

export function Errors(props: { issues?: Issue[]; message?: string }) {
  if (!props.message && !props.issues?.length) return null;
  return (
    <div class="errors" role="alert">
      {props.message && <div>{props.message}</div>}
      {props.issues && props.issues.length > 0 && (
        <ul>
          {props.issues.map((i) => (
            <li>{i.path ? `${i.path}: ${i.message}` : i.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Field(props: { label: string; name: string; issues?: Issue[]; hint?: string; children: Child }) {
  const err = fieldError(props.issues, props.name);
  return (
    <label>
      {props.label}
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.children}
      {err && <span class="field-error">{err}</span>}
    </label>
  );
}

export function CsrfField(props: { token: string | null }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}

export type LightColour = "green" | "yellow" | "red" | "grey";
export function Light(props: { colour: LightColour; label?: string }) {
  return (
    <span class="nowrap">
      <span class={`light ${props.colour}`} aria-hidden="true"></span>
      {props.label}
    </span>
  );
}

export function When(props: { at: Date | number | null | undefined }) {
  if (props.at == null) return <span class="muted">—</span>;
  const d = new Date(props.at);
  return <time datetime={d.toISOString()}>{formatInstant(d)}</time>;
}

export function Stat(props: { label: string; value: Child; href?: string; testid?: string }) {
  const body = (
    <div class="stat" data-testid={props.testid}>
      <div class="n">{props.value}</div>
      <div class="l">{props.label}</div>
    </div>
  );
  return props.href ? <a href={props.href}>{body}</a> : body;
}

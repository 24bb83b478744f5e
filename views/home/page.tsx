import type { Role } from "../../src/domain/access";
import type { HomeTile } from "../../src/home/service";
import { CsrfField } from "../components";
import type { T } from "../i18n";

/** The tiles; reloaded whenever the page's live stream speaks (views/static/app.js: fz-live). */
export function HomeTiles(props: { t: T; tiles: HomeTile[] }) {
  const { t } = props;
  return (
    <div
      class="grid"
      id="home-tiles"
      data-testid="home-tiles"
      hx-get="/home/tiles"
      hx-trigger="fz-live from:body"
      hx-swap="outerHTML"
    >
      {props.tiles.map((tile) => (
        <a href={tile.href} class="stat" data-testid={`tile-${tile.key}`}>
          <div class={`n ${tile.tone ?? ""}`}>{tile.value.toLocaleString()}</div>
          <div class="l">{t(tile.key)}</div>
        </a>
      ))}
    </div>
  );
}

export function HomePage(props: {
  t: T;
  csrf: string | null;
  role: Role;
  displayName: string;
  roleLabel: string;
  institution?: string;
  tiles: HomeTile[];
}) {
  const { t } = props;
  return (
    <>
      <h1 data-testid="home-title">
        {t("home.welcome", { name: props.displayName })} <span class="pill">{props.roleLabel}</span>
        {props.institution && <span class="pill">{props.institution}</span>}
      </h1>
      {props.role === "agent" && (
        // one click from home to a claimed target, its call controls and its outcome form
        <form method="post" action="/targets/next" class="row">
          <CsrfField token={props.csrf} />
          <button type="submit" class="primary" data-testid="take-next">
            {t("targets.takeNext")}
          </button>
        </form>
      )}
      <HomeTiles t={t} tiles={props.tiles} />
    </>
  );
}

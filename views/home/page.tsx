import type { HomeTile } from "../../src/home/service";
import type { T } from "../i18n";

export function HomePage(props: { t: T; displayName: string; roleLabel: string; institution?: string; tiles: HomeTile[] }) {
  const { t } = props;
  return (
    <>
      <h1 data-testid="home-title">
        {t("home.welcome", { name: props.displayName })} <span class="pill">{props.roleLabel}</span>
        {props.institution && <span class="pill">{props.institution}</span>}
      </h1>
      <div class="grid" data-testid="home-tiles">
        {props.tiles.map((tile) => (
          <a href={tile.href} class="stat" data-testid={`tile-${tile.key}`}>
            <div class={`n ${tile.tone ?? ""}`}>{tile.value.toLocaleString()}</div>
            <div class="l">{t(tile.key)}</div>
          </a>
        ))}
      </div>
    </>
  );
}

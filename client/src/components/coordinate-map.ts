// A small locator map for a station's coordinates: the other stations of its region as dots, this one
// as a ring; clicking the map sets latitude and longitude. No tiles (the dashboard loads nothing from
// elsewhere): it shows where the point lies among the network, a link opens OpenStreetMap there.
import type { Station } from "../../../common/catalog-model.ts";
import { h, svg } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";

const W = 280;
const H = 180;

export function coordinateMap(t: Translate, others: readonly Pick<Station, "id" | "lat" | "lon">[], lat: HTMLInputElement, lon: HTMLInputElement): HTMLElement {
  const map = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "coord-map", role: "img" });
  const link = h("a", { target: "_blank", rel: "noopener noreferrer" }, t("form.openMap"));
  const wrap = h("div", { class: "coord-map-wrap" }, map, h("span", { class: "field-hint muted" }, t("form.mapHint"), " ", link));

  let project: (la: number, lo: number) => [number, number] = () => [W / 2, H / 2];
  let unproject: (x: number, y: number) => [number, number] = () => [0, 0];

  function draw(): void {
    const la = Number(lat.value);
    const lo = Number(lon.value);
    const here = Number.isFinite(la) && Number.isFinite(lo) && lat.value !== "" && lon.value !== "";
    const points = [...others.map((o) => [o.lat, o.lon] as const), ...(here ? [[la, lo] as const] : [])];
    const lats = points.map((p) => p[0]);
    const lons = points.map((p) => p[1]);
    const pad = 0.15;
    let [south, north] = points.length ? [Math.min(...lats), Math.max(...lats)] : [-60, 75];
    let [west, east] = points.length ? [Math.min(...lons), Math.max(...lons)] : [-180, 180];
    if (north - south < 0.2) [south, north] = [south - 0.25, north + 0.25];
    if (east - west < 0.2) [west, east] = [west - 0.25, east + 0.25];
    // Equirectangular, with longitudes shortened by cos(latitude) so shapes are not stretched.
    const k = Math.cos((((south + north) / 2) * Math.PI) / 180);
    const spanX = (east - west) * k * (1 + 2 * pad);
    const spanY = (north - south) * (1 + 2 * pad);
    const scale = Math.min(W / spanX, H / spanY);
    const cx = (west + east) / 2;
    const cy = (south + north) / 2;
    project = (a, o) => [W / 2 + (o - cx) * k * scale, H / 2 - (a - cy) * scale];
    unproject = (x, y) => [cy - (y - H / 2) / scale, cx + (x - W / 2) / (k * scale)];
    map.replaceChildren(svg("rect", { x: 0, y: 0, width: W, height: H, class: "coord-map-bg" }));
    for (const o of others) {
      const [x, y] = project(o.lat, o.lon);
      const dot = svg("circle", { cx: x, cy: y, r: 3, class: "coord-map-other" });
      dot.append(svg("title", {}));
      dot.firstChild!.textContent = o.id;
      map.append(dot);
    }
    if (here) {
      const [x, y] = project(la, lo);
      map.append(svg("circle", { cx: x, cy: y, r: 7, class: "coord-map-here" }), svg("circle", { cx: x, cy: y, r: 2, class: "coord-map-here-dot" }));
      link.href = `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=12/${la}/${lo}`;
      link.hidden = false;
    } else link.hidden = true;
    map.setAttribute("aria-label", here ? t("form.mapAt", { lat: la, lon: lo }) : t("form.mapEmpty"));
  }

  map.addEventListener("click", (e) => {
    const box = map.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * W;
    const y = ((e.clientY - box.top) / box.height) * H;
    const [a, o] = unproject(x, y);
    lat.value = a.toFixed(4);
    lon.value = o.toFixed(4);
    draw();
  });
  lat.addEventListener("input", draw);
  lon.addEventListener("input", draw);
  draw();
  return wrap;
}

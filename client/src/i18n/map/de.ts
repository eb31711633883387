// German text of the overview's station map (issue #19).
import type { mapEn } from "./en.ts";

export const mapDe: Record<keyof typeof mapEn, string> = {
  "overview.views": "Messstellen anzeigen als",
  "overview.viewList": "Liste",
  "overview.viewMap": "Karte",
  "map.intro": "Jede Messstelle an ihrem Fluss, nach Zustand gekennzeichnet (Symbol und Farbe), mit dem neuesten Wert des gewählten Stoffs. Wählen Sie eine Messstelle, um sie zu öffnen.",
  "map.compound": "Angezeigter Wert",
  "map.region": "Karte: {region}",
  "map.station": "{name}: {status}; {parameter}: {value}",
  "map.statusUnknown": "Zustand noch nicht geladen",
  "map.noValue": "kein Wert",
  "map.legend": "Zustand",
  "map.table": "Messstellen in {region}",
  "map.colStation": "Messstelle",
  "map.colRiver": "Fluss",
  "map.colStatus": "Zustand",
  "map.colValue": "Neuester Wert",
  "map.source": "Staatsflächen, Grenzen und Flüsse: Natural Earth (gemeinfrei); Zschopau und Freiberger Mulde: Linien durch belegte Orte an ihnen. Ohne Netzverbindung gezeichnet.",
  "map.noOutline": "Für diese Region ist keine Umrisskarte enthalten: nur die Messstellen.",
};

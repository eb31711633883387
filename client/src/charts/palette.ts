// Okabe–Ito colour-blind safe palette (Okabe & Ito 2008). Status and QC are never shown by colour
// alone: every use pairs a colour with a shape, dash pattern or text.
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** Series colours for compare charts, in order (yellow left out: too light on white). */
export const SERIES_COLOURS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.orange,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
];

export const CHART_COLOURS = {
  value: OKABE_ITO.blue,
  envelope: "rgba(86, 180, 233, 0.30)",
  envelopeBorder: "rgba(86, 180, 233, 0.7)",
  rollingMean: OKABE_ITO.reddishPurple,
  belowLod: OKABE_ITO.bluishGreen,
  suspect: OKABE_ITO.orange,
  failed: OKABE_ITO.black,
  standard: OKABE_ITO.vermillion,
  range: "#444444",
  reference: "#777777",
  estimated: OKABE_ITO.reddishPurple,
  previewRaw: "#888888",
  previewCorrected: OKABE_ITO.vermillion,
} as const;

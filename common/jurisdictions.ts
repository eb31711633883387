// Jurisdictions a standard's scope may name besides single countries. The EU's member states
// (ISO 3166-1 alpha-2; Greece is "GR" here, not the EU's own "EL"), 27 since 1 February 2020
// (Treaty on European Union, Art. 52; the United Kingdom's withdrawal agreement).
export const EU_MEMBER_STATES: readonly string[] = Object.freeze([
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]);

/** Whether a scope's country entry (a country code or "EU") covers `country`. */
export function countryCovers(entry: string, country: string): boolean {
  return entry === country || (entry === "EU" && EU_MEMBER_STATES.includes(country));
}

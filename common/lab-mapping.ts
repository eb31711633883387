// How a lab file's columns map to lab fields (common/lab.ts): the zod schema the server checks a
// mapping with, kept apart from lab.ts so the dashboard, which only sends mappings, does not bundle zod.
import { z } from "zod";
import { LAB_FIELDS, SAMPLE_KINDS } from "./lab-fields.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * How a file's columns map to lab fields. `columns` names the file's header for a field; fields not
 * named are found by their usual headers (the template's, and common German and Chinese ones).
 * `defaults` fill fields a file has no column for (a lab's export rarely names the lab itself).
 */
export const labMappingSchema = z
  .object({
    columns: z.partialRecord(z.enum(LAB_FIELDS), text(200)).default({}),
    defaults: z
      .object({
        laboratory: text(200).optional(),
        method: text(500).optional(),
        unit: text(20).optional(),
        kind: z.enum(SAMPLE_KINDS).optional(),
      })
      .strict()
      .default({}),
    /** CSV field separator; "auto" takes the one the header line uses most (";", "," or tab). */
    delimiter: z.enum(["auto", ";", ",", "\t"]).default("auto"),
    /** Decimal separator; "auto": a comma when the separator is ";" (German files), else a point. */
    decimal: z.enum(["auto", ".", ","]).default("auto"),
    /** Text encoding of a CSV file; "auto" takes UTF-8 (with or without BOM) and recognises GB 18030. */
    encoding: z.enum(["auto", "utf-8", "gb18030"]).default("auto"),
    /** How a bare number in the uncertainty column is read ("15 %" is always relative). */
    uncertainty: z.enum(["relative", "absolute"]).default("relative"),
    /** The XLSX sheet to read (name); the first one when not given. */
    sheet: text(100).optional(),
  })
  .strict();
export type LabMapping = z.infer<typeof labMappingSchema>;
export type LabMappingInput = z.input<typeof labMappingSchema>;

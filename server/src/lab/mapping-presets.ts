// Named column mappings, saved per installation, so a lab's export is mapped once and then imported
// by naming the preset. Names are unique regardless of case.
import type { Selectable } from "kysely";
import type { LabMapping, LabMappingPreset } from "../../../common/lab.ts";
import { labMappingSchema } from "../../../common/lab-mapping.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { MetaExecutor } from "../meta/store.ts";
import type { LabMappingPresetsTable } from "../meta/tables.ts";

type Row = Selectable<LabMappingPresetsTable>;

const toPreset = (r: Row): LabMappingPreset => ({
  id: r.id,
  name: r.name,
  mapping: labMappingSchema.parse(JSON.parse(r.mapping)),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export interface MappingPresetRepository {
  list(): Promise<LabMappingPreset[]>;
  get(id: number): Promise<LabMappingPreset>;
  /** By name, case-insensitively. */
  byName(name: string): Promise<LabMappingPreset>;
  create(name: string, mapping: LabMapping, by: string): Promise<LabMappingPreset>;
  update(id: number, changes: { name?: string; mapping?: LabMapping }, by: string): Promise<LabMappingPreset>;
  delete(id: number): Promise<void>;
}

export class SqlMappingPresetRepository implements MappingPresetRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => number,
  ) {}

  async list(): Promise<LabMappingPreset[]> {
    return (await this.db.selectFrom("lab_mapping_presets").selectAll().orderBy("name").execute()).map(toPreset);
  }

  async get(id: number): Promise<LabMappingPreset> {
    const row = await this.db.selectFrom("lab_mapping_presets").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no mapping preset ${id}`);
    return toPreset(row);
  }

  async byName(name: string): Promise<LabMappingPreset> {
    const row = await this.db.selectFrom("lab_mapping_presets").selectAll().where("name", "=", name).executeTakeFirst();
    if (!row) throw new NotFoundError(`no mapping preset named ${JSON.stringify(name)} (GET /api/v1/lab/mapping-presets lists them)`);
    return toPreset(row);
  }

  async create(name: string, mapping: LabMapping, by: string): Promise<LabMappingPreset> {
    await this.checkNameFree(name);
    const at = this.now();
    const row = await this.db
      .insertInto("lab_mapping_presets")
      .values({ name, mapping: JSON.stringify(mapping), created_by: by, created_at: at, updated_by: by, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPreset(row);
  }

  async update(id: number, changes: { name?: string; mapping?: LabMapping }, by: string): Promise<LabMappingPreset> {
    await this.get(id);
    if (changes.name !== undefined) await this.checkNameFree(changes.name, id);
    await this.db
      .updateTable("lab_mapping_presets")
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.mapping !== undefined ? { mapping: JSON.stringify(changes.mapping) } : {}),
        updated_by: by,
        updated_at: this.now(),
      })
      .where("id", "=", id)
      .execute();
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    const result = await this.db.deleteFrom("lab_mapping_presets").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError(`no mapping preset ${id}`);
  }

  private async checkNameFree(name: string, except?: number): Promise<void> {
    const row = await this.db.selectFrom("lab_mapping_presets").select(["id", "name"]).where("name", "=", name).executeTakeFirst();
    if (row && row.id !== except) throw new ConflictError(`a mapping preset named ${JSON.stringify(row.name)} exists already`);
  }
}
